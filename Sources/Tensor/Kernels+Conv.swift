/// Geometry of a 2-D convolution (PyTorch's `Conv2d` conventions: cross-correlation, weight [Cout, Cin/groups, kH, kW]).
public struct Conv2dOptions: Sendable, Hashable, Codable {
    public var stride: Int
    public var padding: Int
    public var dilation: Int
    public var groups: Int

    public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// Output extent along one axis.
    public func outputSize(_ input: Int, kernel: Int) -> Int {
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }
}

/// The resolved sizes of one convolution call, checked once.
struct ConvGeometry {
    let n, cin, h, w, cout, kh, kw, hout, wout, groups: Int
    let stride, padding, dilation: Int
    /// Most floats one column-matrix tile may hold (~16 MB); the output is processed in row tiles under it.
    var columnBudget = 1 << 22
    var cinG: Int { cin / groups }
    var coutG: Int { cout / groups }
    /// Rows of the im2col matrix per group.
    var k: Int { cinG * kh * kw }
    var hwOut: Int { hout * wout }
    /// A 1×1, stride-1, unpadded convolution needs no im2col: the input is the column matrix.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }

    init(input: [Int], weight: [Int], options o: Conv2dOptions) throws {
        guard input.count == 4 else {
            throw TensorError.shapeMismatch(operation: "conv2d input (NCHW)", expected: [-1, -1, -1, -1], got: input)
        }
        guard weight.count == 4, o.groups >= 1, o.stride >= 1, o.dilation >= 1, o.padding >= 0,
              input[1] % o.groups == 0, weight[0] % o.groups == 0, weight[1] * o.groups == input[1] else {
            throw TensorError.shapeMismatch(operation: "conv2d weight [Cout, Cin/groups=\(o.groups), kH, kW]",
                                            expected: [-1, input.count == 4 ? input[1] / max(o.groups, 1) : -1, -1, -1],
                                            got: weight)
        }
        n = input[0]; cin = input[1]; h = input[2]; w = input[3]
        cout = weight[0]; kh = weight[2]; kw = weight[3]; groups = o.groups
        stride = o.stride; padding = o.padding; dilation = o.dilation
        hout = o.outputSize(h, kernel: kh)
        wout = o.outputSize(w, kernel: kw)
        guard hout > 0, wout > 0 else {
            throw TensorError.shapeMismatch(operation: "conv2d: kernel larger than padded input", expected: [kh, kw], got: [h, w])
        }
    }

    /// Images whose columns share one product in `forward`: 1 (one product per image, tiled over rows) unless an
    /// image is small (at most 1024 output pixels, ungrouped, not pointwise); then as many as keep the shared column
    /// matrix under a quarter of `columnBudget` (4 MB: thousands of columns wide).
    var imagesPerProduct: Int {
        guard groups == 1, !isPointwise, n > 1, hwOut <= 1024 else { return 1 }
        return max(1, min(n, (columnBudget / 4) / max(1, k * hwOut)))
    }

    /// Output rows per tile so the column matrix stays under `columnBudget` (the whole image when it fits).
    var rowsPerTile: Int { max(1, min(hout, columnBudget / max(1, k * wout))) }
}

/// Convolution kernels: im2col + `cblas_sgemm`, per image and per group, tiled over output rows.
enum ConvKernels {
    // MARK: im2col / col2im

    /// Fills `col` [k, rows·wout] with the receptive fields of output rows `oh0..<oh0+rows` of image `x` (one group).
    ///
    /// Row r of the matrix starts at `col + r · ld` (`ld` defaults to rows·wout: a matrix of its own; a larger `ld`
    /// writes one image's block of a matrix shared by several images). `parallel` false keeps it on this thread.
    static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, oh0: Int, rows: Int, col: UnsafeMutablePointer<Float>,
                       ld: Int? = nil, parallel: Bool = true) {
        let ncol = rows * g.wout
        let ld = ld ?? ncol
        let fill = { (range: Range<Int>) in
            for r in range {
                let c = r / (g.kh * g.kw), i = (r / g.kw) % g.kh, j = r % g.kw
                let plane = x + c * g.h * g.w
                let dst = col + r * ld
                // Output columns whose input column is inside the image.
                let off = j * g.dilation - g.padding
                let owLo = off >= 0 ? 0 : min(g.wout, (-off + g.stride - 1) / g.stride)
                let owHi = max(owLo, min(g.wout, (g.w - 1 - off) >= 0 ? (g.w - 1 - off) / g.stride + 1 : 0))
                for t in 0..<rows {
                    let ih = (oh0 + t) * g.stride - g.padding + i * g.dilation
                    let d = dst + t * g.wout
                    if ih < 0 || ih >= g.h {
                        d.update(repeating: 0, count: g.wout)
                        continue
                    }
                    let src = plane + ih * g.w + off
                    if owLo > 0 { d.update(repeating: 0, count: owLo) }
                    if g.stride == 1 {
                        (d + owLo).update(from: src + owLo, count: owHi - owLo)
                    } else {
                        for ow in owLo..<owHi { d[ow] = src[ow * g.stride] }
                    }
                    if owHi < g.wout { (d + owHi).update(repeating: 0, count: g.wout - owHi) }
                }
            }
        }
        if parallel { Parallel.forEach(g.k, cost: ncol, fill) } else { fill(0..<g.k) }
    }

    /// Adds the columns `col` [k, rows·wout] back into image gradient `dx` (one group): the adjoint of `im2col`.
    static func col2im(_ g: ConvGeometry, col: UnsafePointer<Float>, oh0: Int, rows: Int, dx: UnsafeMutablePointer<Float>) {
        let ncol = rows * g.wout
        let perChannel = g.kh * g.kw
        // Each channel's rows write only that channel's plane, so channels run in parallel without races.
        Parallel.forEach(g.cinG, cost: perChannel * ncol) { range in
            for c in range {
                let plane = dx + c * g.h * g.w
                for ij in 0..<perChannel {
                    let i = ij / g.kw, j = ij % g.kw, r = c * perChannel + ij
                    let src = col + r * ncol
                    let off = j * g.dilation - g.padding
                    let owLo = off >= 0 ? 0 : min(g.wout, (-off + g.stride - 1) / g.stride)
                    let owHi = max(owLo, min(g.wout, (g.w - 1 - off) >= 0 ? (g.w - 1 - off) / g.stride + 1 : 0))
                    for t in 0..<rows {
                        let ih = (oh0 + t) * g.stride - g.padding + i * g.dilation
                        if ih < 0 || ih >= g.h { continue }
                        let d = plane + ih * g.w + off
                        let s = src + t * g.wout
                        if g.stride == 1 {
                            for ow in owLo..<owHi { d[ow] += s[ow] }
                        } else {
                            for ow in owLo..<owHi { d[ow * g.stride] += s[ow] }
                        }
                    }
                }
            }
        }
    }

    // MARK: Forward

    /// y = conv(x, w) + b into `y` (shape [N, Cout, Hout, Wout], overwritten).
    static func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>) {
        if g.imagesPerProduct > 1 {
            forwardBatched(g, x: x, w: w, b: b, y: y)
            return
        }
        let tile = g.rowsPerTile
        let xImage = g.cin * g.h * g.w, yImage = g.cout * g.hwOut
        ScratchPool.shared.with(g.isPointwise ? 1 : g.k * tile * g.wout) { col in
            for n in 0..<g.n {
                for grp in 0..<g.groups {
                    let xg = x + n * xImage + grp * g.cinG * g.h * g.w
                    let wg = w + grp * g.coutG * g.k
                    let yg = y + n * yImage + grp * g.coutG * g.hwOut
                    if g.isPointwise {
                        BLAS.gemm(m: g.coutG, n: g.hwOut, k: g.k, a: wg, lda: g.k, b: xg, ldb: g.hwOut, c: yg, ldc: g.hwOut)
                        continue
                    }
                    var oh0 = 0
                    while oh0 < g.hout {
                        let rows = min(tile, g.hout - oh0)
                        im2col(g, x: xg, oh0: oh0, rows: rows, col: col)
                        BLAS.gemm(m: g.coutG, n: rows * g.wout, k: g.k, a: wg, lda: g.k, b: col, ldb: rows * g.wout,
                                  c: yg + oh0 * g.wout, ldc: g.hwOut)
                        oh0 += rows
                    }
                }
                if let b { addBias(b, to: y + n * yImage, channels: g.cout, planeSize: g.hwOut) }
            }
        }
    }

    /// `forward` for small images: the columns of `imagesPerProduct` images side by side in one matrix, one product
    /// for all of them, then each image's block copied to its place.
    ///
    /// One product per image of a 5×13 MFCC segment or a 32×48 mouth crop is a few hundred thousand multiply-adds:
    /// OpenBLAS's per-call and threading overhead dominates, and the encoders of Ali-Net ran at a fifth of sgemm
    /// with no gain from a second thread (`bench align`). Each output value is still the same dot product of one
    /// weight row with one receptive field.
    static func forwardBatched(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>) {
        let per = g.imagesPerProduct, hw = g.hwOut
        let xImage = g.cin * g.h * g.w, yImage = g.cout * hw
        ScratchPool.shared.with(g.k * per * hw) { col in
            ScratchPool.shared.with(g.cout * per * hw) { out in
                var n0 = 0
                while n0 < g.n {
                    let count = min(per, g.n - n0), ld = count * hw
                    Parallel.forEach(count, cost: g.k * hw) { range in
                        for i in range {
                            im2col(g, x: x + (n0 + i) * xImage, oh0: 0, rows: g.hout, col: col + i * hw, ld: ld, parallel: false)
                        }
                    }
                    BLAS.gemm(m: g.cout, n: ld, k: g.k, a: w, lda: g.k, b: col, ldb: ld, c: out, ldc: ld)
                    Parallel.forEach(count, cost: yImage) { range in
                        for i in range {
                            let yi = y + (n0 + i) * yImage
                            for c in 0..<g.cout {
                                let src = out + c * ld + i * hw, dst = yi + c * hw
                                if let b {
                                    let v = b[c]
                                    for t in 0..<hw { dst[t] = src[t] + v }
                                } else {
                                    dst.update(from: src, count: hw)
                                }
                            }
                        }
                    }
                    n0 += count
                }
            }
        }
    }

    /// Adds `b[c]` to every value of plane c of one image `y` (`channels` planes of `planeSize` values).
    static func addBias(_ b: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, channels: Int, planeSize: Int) {
        Parallel.forEach(channels, cost: planeSize) { range in
            for c in range {
                let p = y + c * planeSize, v = b[c]
                for i in 0..<planeSize { p[i] += v }
            }
        }
    }

    // MARK: Backward

    /// Accumulates dW (+=), db (+=) and, when `dx` is given, dx (+=) from dy.
    static func backward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) {
        let tile = g.rowsPerTile
        let xImage = g.cin * g.h * g.w, yImage = g.cout * g.hwOut
        let colCount = g.k * tile * g.wout
        ScratchPool.shared.with(g.isPointwise || dw == nil ? 1 : colCount) { col in
            ScratchPool.shared.with(dx == nil ? 1 : colCount) { dcol in
                for n in 0..<g.n {
                    for grp in 0..<g.groups {
                        let xg = x + n * xImage + grp * g.cinG * g.h * g.w
                        let wg = w + grp * g.coutG * g.k
                        let dyg = dy + n * yImage + grp * g.coutG * g.hwOut
                        if g.isPointwise {
                            if let dw {
                                BLAS.gemm(transB: true, m: g.coutG, n: g.k, k: g.hwOut, a: dyg, lda: g.hwOut, b: xg, ldb: g.hwOut,
                                          beta: 1, c: dw + grp * g.coutG * g.k, ldc: g.k)
                            }
                            if let dx {
                                BLAS.gemm(transA: true, m: g.k, n: g.hwOut, k: g.coutG, a: wg, lda: g.k, b: dyg, ldb: g.hwOut,
                                          beta: 1, c: dx + n * xImage + grp * g.cinG * g.h * g.w, ldc: g.hwOut)
                            }
                            continue
                        }
                        var oh0 = 0
                        while oh0 < g.hout {
                            let rows = min(tile, g.hout - oh0), ncol = rows * g.wout
                            if let dw {
                                im2col(g, x: xg, oh0: oh0, rows: rows, col: col)
                                BLAS.gemm(transB: true, m: g.coutG, n: g.k, k: ncol, a: dyg + oh0 * g.wout, lda: g.hwOut,
                                          b: col, ldb: ncol, beta: 1, c: dw + grp * g.coutG * g.k, ldc: g.k)
                            }
                            if let dx {
                                BLAS.gemm(transA: true, m: g.k, n: ncol, k: g.coutG, a: wg, lda: g.k, b: dyg + oh0 * g.wout,
                                          ldb: g.hwOut, c: dcol, ldc: ncol)
                                col2im(g, col: dcol, oh0: oh0, rows: rows, dx: dx + n * xImage + grp * g.cinG * g.h * g.w)
                            }
                            oh0 += rows
                        }
                    }
                    if let db {
                        let dyn = dy + n * yImage
                        for c in 0..<g.cout {
                            var s: Float = 0
                            let p = dyn + c * g.hwOut
                            for i in 0..<g.hwOut { s += p[i] }
                            db[c] += s
                        }
                    }
                }
            }
        }
    }
}
