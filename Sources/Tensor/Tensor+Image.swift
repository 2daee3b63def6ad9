import Foundation

/// Image operations on NCHW tensors: pooling, bilinear resizing, warping by a flow, image gradients, channel concat.
extension Tensor {
    func dims4(_ op: String) -> (n: Int, c: Int, h: Int, w: Int) {
        precondition(rank == 4, "\(op): expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    // MARK: - Pooling

    /// Average pooling with a `kernel`×`kernel` window and `stride` (default = kernel), no padding.
    public func avgPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        let s = stride ?? kernel
        let (n, c, h, w) = dims4("avgPool2d")
        precondition(kernel >= 1 && s >= 1 && h >= kernel && w >= kernel, "avgPool2d: kernel \(kernel) does not fit \(shape)")
        let ho = (h - kernel) / s + 1, wo = (w - kernel) / s + 1
        var out = Tensor(zeros: [n, c, ho, wo])
        let scale = 1 / Float(kernel * kernel)
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                Parallel.forEach(n * c, cost: ho * wo * kernel * kernel) { r in
                    for p in r {
                        let xp = x + p * h * w, yp = y + p * ho * wo
                        for oh in 0..<ho {
                            for ow in 0..<wo {
                                var acc: Float = 0
                                for i in 0..<kernel {
                                    let row = xp + (oh * s + i) * w + ow * s
                                    for j in 0..<kernel { acc += row[j] }
                                }
                                yp[oh * wo + ow] = acc * scale
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func avgPool2dBackward(inputShape: [Int], kernel: Int, stride s: Int, dy: Tensor) -> Tensor {
        let n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3]
        let ho = dy.shape[2], wo = dy.shape[3]
        var dx = Tensor(zeros: inputShape)
        let scale = 1 / Float(kernel * kernel)
        dy.withUnsafePointer { g in
            dx.withUnsafeMutablePointer { d in
                Parallel.forEach(n * c, cost: ho * wo * kernel * kernel) { r in
                    for p in r {
                        let dp = d + p * h * w, gp = g + p * ho * wo
                        for oh in 0..<ho {
                            for ow in 0..<wo {
                                let v = gp[oh * wo + ow] * scale
                                for i in 0..<kernel {
                                    let row = dp + (oh * s + i) * w + ow * s
                                    for j in 0..<kernel { row[j] += v }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Max pooling with a `kernel`×`kernel` window and `stride` (default = kernel), no padding.
    public func maxPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        maxPool2dCore(kernel: kernel, stride: stride ?? kernel, dy: nil).y
    }

    static func maxPool2dBackward(input: Tensor, kernel: Int, stride: Int, dy: Tensor) -> Tensor {
        input.maxPool2dCore(kernel: kernel, stride: stride, dy: dy).dx
    }

    /// Forward (dy == nil) or backward (routes dy to the first maximum of each window).
    private func maxPool2dCore(kernel: Int, stride s: Int, dy: Tensor?) -> (y: Tensor, dx: Tensor) {
        let (n, c, h, w) = dims4("maxPool2d")
        precondition(kernel >= 1 && s >= 1 && h >= kernel && w >= kernel, "maxPool2d: kernel \(kernel) does not fit \(shape)")
        let ho = (h - kernel) / s + 1, wo = (w - kernel) / s + 1
        var out = Tensor(zeros: dy == nil ? [n, c, ho, wo] : [0])
        var dx = Tensor(zeros: dy == nil ? [0] : shape)
        let g = dy ?? Tensor(zeros: [0])
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                dx.withUnsafeMutablePointer { d in
                    g.withUnsafePointer { gp in
                        Parallel.forEach(n * c, cost: ho * wo * kernel * kernel) { r in
                            for p in r {
                                let xp = x + p * h * w
                                for oh in 0..<ho {
                                    for ow in 0..<wo {
                                        var best = -Float.infinity, at = (oh * s) * w + ow * s
                                        for i in 0..<kernel {
                                            let base = (oh * s + i) * w + ow * s
                                            for j in 0..<kernel where xp[base + j] > best {
                                                best = xp[base + j]
                                                at = base + j
                                            }
                                        }
                                        if dy == nil {
                                            y[p * ho * wo + oh * wo + ow] = best
                                        } else {
                                            d[p * h * w + at] += gp[p * ho * wo + oh * wo + ow]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (out, dx)
    }

    // MARK: - Bilinear resizing

    /// Bilinear resize to `height`×`width` with PyTorch's `align_corners=False` convention
    /// (source = (dst + 0.5) · in/out − 0.5, clamped at 0; the last pixel repeats at the border).
    public func resizedBilinear(height ho: Int, width wo: Int) -> Tensor {
        let (n, c, h, w) = dims4("resizedBilinear")
        var out = Tensor(zeros: [n, c, ho, wo])
        let ys = Tensor.bilinearTaps(input: h, output: ho), xs = Tensor.bilinearTaps(input: w, output: wo)
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                Parallel.forEach(n * c, cost: ho * wo * 4) { r in
                    for p in r {
                        let xp = x + p * h * w, yp = y + p * ho * wo
                        for oh in 0..<ho {
                            let (y0, y1, ly) = ys[oh]
                            let r0 = xp + y0 * w, r1 = xp + y1 * w
                            for ow in 0..<wo {
                                let (x0, x1, lx) = xs[ow]
                                let top = r0[x0] + lx * (r0[x1] - r0[x0])
                                let bottom = r1[x0] + lx * (r1[x1] - r1[x0])
                                yp[oh * wo + ow] = top + ly * (bottom - top)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// 2× bilinear upsampling (FE-Net's decoder), `align_corners=False`.
    public func upsampleBilinear2x() -> Tensor {
        let (_, _, h, w) = dims4("upsampleBilinear2x")
        return resizedBilinear(height: 2 * h, width: 2 * w)
    }

    /// For each output index: the two source indices and the weight of the second.
    static func bilinearTaps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            let src = max(0, (Float(o) + 0.5) * scale - 0.5)
            let i0 = min(Int(src), input - 1)
            let i1 = min(i0 + 1, input - 1)
            return (i0, i1, src - Float(i0))
        }
    }

    static func resizedBilinearBackward(inputShape: [Int], dy: Tensor) -> Tensor {
        let n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3]
        let ho = dy.shape[2], wo = dy.shape[3]
        let ys = bilinearTaps(input: h, output: ho), xs = bilinearTaps(input: w, output: wo)
        var dx = Tensor(zeros: inputShape)
        dy.withUnsafePointer { g in
            dx.withUnsafeMutablePointer { d in
                Parallel.forEach(n * c, cost: ho * wo * 4) { r in
                    for p in r {
                        let dp = d + p * h * w, gp = g + p * ho * wo
                        for oh in 0..<ho {
                            let (y0, y1, ly) = ys[oh]
                            for ow in 0..<wo {
                                let (x0, x1, lx) = xs[ow]
                                let v = gp[oh * wo + ow]
                                dp[y0 * w + x0] += v * (1 - ly) * (1 - lx)
                                dp[y0 * w + x1] += v * (1 - ly) * lx
                                dp[y1 * w + x0] += v * ly * (1 - lx)
                                dp[y1 * w + x1] += v * ly * lx
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    // MARK: - Warping

    /// Backward warping: output(n, c, y, x) = image(n, c, y + flow(n,1,y,x), x + flow(n,0,y,x)), sampled bilinearly.
    ///
    /// Flow channel 0 is the horizontal displacement in pixels, channel 1 the vertical. Sample positions outside
    /// the image are clamped to the border (so the border pixel repeats and the flow gradient there is zero).
    public static func warp(_ image: Tensor, by flow: Tensor) -> Tensor {
        var out = Tensor(zeros: image.shape)
        warp(image, by: flow, into: &out)
        return out
    }

    /// `warp(_:by:)` into a preallocated output of the image's shape (no allocation when `out` is unshared).
    public static func warp(_ image: Tensor, by flow: Tensor, into out: inout Tensor) {
        let (n, c, h, w) = image.dims4("warp image")
        precondition(flow.shape == [n, 2, h, w], "warp: flow must have shape \([n, 2, h, w]), got \(flow.shape)")
        precondition(out.shape == image.shape, "warp: output must have shape \(image.shape), got \(out.shape)")
        let hw = h * w
        image.withUnsafePointer { img in
            flow.withUnsafePointer { f in
                out.withUnsafeMutablePointer { o in
                    Parallel.forEach(n * h, cost: w * c * 8) { rows in
                        for nr in rows {
                            let b = nr / h, y = nr % h
                            let fx = f + b * 2 * hw + y * w, fy = fx + hw
                            let ib = img + b * c * hw, ob = o + b * c * hw + y * w
                            for x in 0..<w {
                                let t = warpTap(x: Float(x) + fx[x], y: Float(y) + fy[x], w: w, h: h)
                                for ch in 0..<c {
                                    let p = ib + ch * hw
                                    let top = p[t.i00] + t.ax * (p[t.i01] - p[t.i00])
                                    let bottom = p[t.i10] + t.ax * (p[t.i11] - p[t.i10])
                                    ob[ch * hw + x] = top + t.ay * (bottom - top)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The four neighbours and weights of one sample; `inX`/`inY` say whether the coordinate was inside (not clamped).
    struct WarpTap {
        var i00, i01, i10, i11: Int
        var ax, ay: Float
        var inX, inY: Bool
    }

    @inline(__always)
    static func warpTap(x: Float, y: Float, w: Int, h: Int) -> WarpTap {
        let maxX = Float(w - 1), maxY = Float(h - 1)
        let inX = x >= 0 && x <= maxX, inY = y >= 0 && y <= maxY
        let cx = x.isNaN ? 0 : min(max(x, 0), maxX), cy = y.isNaN ? 0 : min(max(y, 0), maxY)
        let x0 = min(Int(cx), w - 1), y0 = min(Int(cy), h - 1)
        let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
        return WarpTap(i00: y0 * w + x0, i01: y0 * w + x1, i10: y1 * w + x0, i11: y1 * w + x1,
                       ax: cx - Float(x0), ay: cy - Float(y0), inX: inX, inY: inY)
    }

    /// Gradients of `warp` with respect to the image (scatter-add) and the flow.
    static func warpBackward(image: Tensor, flow: Tensor, dy: Tensor, needImage: Bool, needFlow: Bool)
        -> (dImage: Tensor?, dFlow: Tensor?) {
        let (n, c, h, w) = image.dims4("warp image")
        let hw = h * w
        var dImage = Tensor(zeros: needImage ? image.shape : [0])
        var dFlow = Tensor(zeros: needFlow ? flow.shape : [0])
        image.withUnsafePointer { img in
            flow.withUnsafePointer { f in
                dy.withUnsafePointer { g in
                    dImage.withUnsafeMutablePointer { di in
                        dFlow.withUnsafeMutablePointer { df in
                            // Parallel over images only: the image gradient is a scatter, rows of one image collide.
                            let body: (Range<Int>) -> Void = { batch in
                                for b in batch {
                                    let ib = img + b * c * hw, gb = g + b * c * hw, dib = di + b * c * hw
                                    for y in 0..<h {
                                        for x in 0..<w {
                                            let fi = b * 2 * hw + y * w + x
                                            let t = warpTap(x: Float(x) + f[fi], y: Float(y) + f[fi + hw], w: w, h: h)
                                            var gx: Float = 0, gy: Float = 0
                                            for ch in 0..<c {
                                                let go = gb[ch * hw + y * w + x]
                                                if needImage {
                                                    let d = dib + ch * hw
                                                    d[t.i00] += go * (1 - t.ay) * (1 - t.ax)
                                                    d[t.i01] += go * (1 - t.ay) * t.ax
                                                    d[t.i10] += go * t.ay * (1 - t.ax)
                                                    d[t.i11] += go * t.ay * t.ax
                                                }
                                                if needFlow {
                                                    let p = ib + ch * hw
                                                    gx += go * ((1 - t.ay) * (p[t.i01] - p[t.i00]) + t.ay * (p[t.i11] - p[t.i10]))
                                                    gy += go * ((1 - t.ax) * (p[t.i10] - p[t.i00]) + t.ax * (p[t.i11] - p[t.i01]))
                                                }
                                            }
                                            if needFlow {
                                                df[fi] = t.inX ? gx : 0
                                                df[fi + hw] = t.inY ? gy : 0
                                            }
                                        }
                                    }
                                }
                            }
                            if n > 1 { Parallel.forEach(n, cost: hw * c * 16, body) } else { body(0..<n) }
                        }
                    }
                }
            }
        }
        return (needImage ? dImage : nil, needFlow ? dFlow : nil)
    }

    // MARK: - Image gradients

    /// Horizontal differences x[..., j+1] − x[..., j] (shape [N, C, H, W−1]), for the smoothness loss.
    public func gradientX() -> Tensor {
        let (n, c, h, w) = dims4("gradientX")
        precondition(w >= 2, "gradientX: width must be at least 2, got \(shape)")
        var out = Tensor(zeros: [n, c, h, w - 1])
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                Parallel.forEach(n * c * h, cost: w) { r in
                    for row in r {
                        let s = x + row * w, d = y + row * (w - 1)
                        for j in 0..<(w - 1) { d[j] = s[j + 1] - s[j] }
                    }
                }
            }
        }
        return out
    }

    /// Vertical differences x[..., i+1, :] − x[..., i, :] (shape [N, C, H−1, W]).
    public func gradientY() -> Tensor {
        let (n, c, h, w) = dims4("gradientY")
        precondition(h >= 2, "gradientY: height must be at least 2, got \(shape)")
        var out = Tensor(zeros: [n, c, h - 1, w])
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                Parallel.forEach(n * c, cost: h * w) { r in
                    for p in r {
                        let s = x + p * h * w, d = y + p * (h - 1) * w
                        for i in 0..<((h - 1) * w) { d[i] = s[i + w] - s[i] }
                    }
                }
            }
        }
        return out
    }

    static func gradientXBackward(inputShape: [Int], dy: Tensor) -> Tensor {
        let w = inputShape[3]
        var dx = Tensor(zeros: inputShape)
        let rows = dx.count / w
        dy.withUnsafePointer { g in
            dx.withUnsafeMutablePointer { d in
                for row in 0..<rows {
                    let s = g + row * (w - 1), o = d + row * w
                    for j in 0..<(w - 1) { o[j + 1] += s[j]; o[j] -= s[j] }
                }
            }
        }
        return dx
    }

    static func gradientYBackward(inputShape: [Int], dy: Tensor) -> Tensor {
        let h = inputShape[2], w = inputShape[3]
        var dx = Tensor(zeros: inputShape)
        let planes = dx.count / (h * w)
        dy.withUnsafePointer { g in
            dx.withUnsafeMutablePointer { d in
                for p in 0..<planes {
                    let s = g + p * (h - 1) * w, o = d + p * h * w
                    for i in 0..<((h - 1) * w) { o[i + w] += s[i]; o[i] -= s[i] }
                }
            }
        }
        return dx
    }

    // MARK: - Channels

    /// Concatenation along dimension 1 (channels for NCHW); all other extents must agree.
    public static func concatChannels(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatChannels: nothing to concatenate")
        let first = parts[0].shape
        precondition(first.count >= 2 && parts.allSatisfy {
            $0.rank == first.count && $0.shape[0] == first[0] && Array($0.shape.dropFirst(2)) == Array(first.dropFirst(2))
        }, "concatChannels: shapes \(parts.map(\.shape)) differ outside dimension 1")
        let n = first[0], inner = first.dropFirst(2).reduce(1, *)
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var s = first
        s[1] = total
        var out = Tensor(zeros: s)
        out.withUnsafeMutablePointer { o in
            var c0 = 0
            for part in parts {
                let c = part.shape[1]
                part.withUnsafePointer { p in
                    for b in 0..<n {
                        (o + (b * total + c0) * inner).update(from: p + b * c * inner, count: c * inner)
                    }
                }
                c0 += c
            }
        }
        return out
    }

    /// Channels `range` of dimension 1 (a copy).
    public func channels(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 2 && range.lowerBound >= 0 && range.upperBound <= shape[1],
                     "channels(\(range)): out of range for shape \(shape)")
        let n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        var s = shape
        s[1] = range.count
        var out = Tensor(zeros: s)
        withUnsafePointer { p in
            out.withUnsafeMutablePointer { o in
                for b in 0..<n {
                    (o + b * range.count * inner).update(from: p + (b * c + range.lowerBound) * inner, count: range.count * inner)
                }
            }
        }
        return out
    }

    /// Adds `part` into channels starting at `c0` (the adjoint of `channels(_:)`).
    mutating func addChannels(_ part: Tensor, at c0: Int) {
        let n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *), pc = part.shape[1]
        part.withUnsafePointer { p in
            withUnsafeMutablePointer { o in
                for b in 0..<n {
                    let d = o + (b * c + c0) * inner, s = p + b * pc * inner
                    for i in 0..<(pc * inner) { d[i] += s[i] }
                }
            }
        }
    }
}
