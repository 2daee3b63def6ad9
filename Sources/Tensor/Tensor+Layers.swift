import Foundation

// MARK: - Convolution and linear maps

extension Tensor {
    /// 2-D convolution (cross-correlation) of an NCHW input with weight [Cout, Cin/groups, kH, kW] and optional bias [Cout].
    public func conv2d(weight: Tensor, bias: Tensor? = nil, options: Conv2dOptions = .init()) throws -> Tensor {
        var out = Tensor(zeros: [0])
        try conv2d(weight: weight, bias: bias, options: options, into: &out)
        return out
    }

    /// `conv2d` into `out`, reusing its storage when it already has the output shape and is unshared.
    public func conv2d(weight: Tensor, bias: Tensor?, options: Conv2dOptions, into out: inout Tensor) throws {
        let g = try ConvGeometry(input: shape, weight: weight.shape, options: options)
        if let bias { try bias.check([g.cout], "conv2d bias") }
        let outShape = [g.n, g.cout, g.hout, g.wout]
        if out.shape != outShape { out = Tensor(zeros: outShape) }
        withUnsafePointer { x in
            weight.withUnsafePointer { w in
                out.withUnsafeMutablePointer { y in
                    if let bias {
                        bias.withUnsafePointer { b in ConvKernels.forward(g, x: x, w: w, b: b, y: y) }
                    } else {
                        ConvKernels.forward(g, x: x, w: w, b: nil, y: y)
                    }
                }
            }
        }
    }

    /// Gradients of `conv2d`: (dInput if requested, dWeight, dBias if the layer has one).
    static func conv2dBackward(input: Tensor, weight: Tensor, hasBias: Bool, options: Conv2dOptions, dy: Tensor,
                               needInput: Bool) -> (dx: Tensor?, dw: Tensor, db: Tensor?) {
        // The geometry was validated by the forward pass that recorded this backward.
        guard let g = try? ConvGeometry(input: input.shape, weight: weight.shape, options: options) else {
            preconditionFailure("conv2dBackward: shapes changed since the forward pass")
        }
        var dx = Tensor(zeros: needInput ? input.shape : [0])
        var dw = Tensor(zeros: weight.shape)
        var db = Tensor(zeros: hasBias ? [g.cout] : [0])
        input.withUnsafePointer { x in
            weight.withUnsafePointer { w in
                dy.withUnsafePointer { gy in
                    dx.withUnsafeMutablePointer { dxp in
                        dw.withUnsafeMutablePointer { dwp in
                            db.withUnsafeMutablePointer { dbp in
                                ConvKernels.backward(g, x: x, w: w, dy: gy, dx: needInput ? dxp : nil, dw: dwp,
                                                     db: hasBias ? dbp : nil)
                            }
                        }
                    }
                }
            }
        }
        return (needInput ? dx : nil, dw, hasBias ? db : nil)
    }

    /// Matrix product of [M, K] and [K, N] (optionally transposing either operand).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        guard rank == 2, other.rank == 2 else {
            throw TensorError.shapeMismatch(operation: "matmul (rank 2)", expected: [-1, -1], got: rank == 2 ? other.shape : shape)
        }
        let m = transposeSelf ? shape[1] : shape[0], k = transposeSelf ? shape[0] : shape[1]
        let k2 = transposeOther ? other.shape[1] : other.shape[0], n = transposeOther ? other.shape[0] : other.shape[1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(operation: "matmul inner dimension", expected: [k], got: [k2])
        }
        var out = Tensor(zeros: [m, n])
        withUnsafePointer { a in
            other.withUnsafePointer { b in
                out.withUnsafeMutablePointer { c in
                    BLAS.gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k, a: a, lda: shape[1],
                              b: b, ldb: other.shape[1], c: c, ldc: n)
                }
            }
        }
        return out
    }

    /// Fully connected layer: [N, in] · weight[out, in]ᵀ + bias[out] (PyTorch's `Linear` layout).
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        try check([-1, weight.shape.count == 2 ? weight.shape[1] : -1], "linear input [N, in]")
        var y = try matmul(weight, transposeOther: true)
        if let bias {
            try bias.check([weight.shape[0]], "linear bias")
            let n = y.shape[0], o = y.shape[1]
            bias.withUnsafePointer { b in
                y.withUnsafeMutablePointer { p in
                    for i in 0..<n { for j in 0..<o { p[i * o + j] += b[j] } }
                }
            }
        }
        return y
    }
}

// MARK: - Batch normalisation

/// Per-channel statistics of a batch-norm forward pass, kept for the backward pass.
struct BatchNormCache {
    var mean: [Float]
    var invStd: [Float]
    var normalized: Tensor
}

extension Tensor {
    /// Batch normalisation with given statistics (inference): (x − mean) / √(var + eps) · γ + β per channel.
    public func batchNorm(mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?, eps: Float = 1e-5) -> Tensor {
        precondition(rank >= 2, "batchNorm: expected [N, C, …], got \(shape)")
        let c = shape[1]
        let m = mean.scalars, v = variance.scalars
        let gm = gamma?.scalars ?? [Float](repeating: 1, count: c), bt = beta?.scalars ?? [Float](repeating: 0, count: c)
        precondition(m.count == c && v.count == c && gm.count == c && bt.count == c, "batchNorm: statistics must have \(c) channels")
        let scale = (0..<c).map { gm[$0] / (v[$0] + eps).squareRoot() }
        let shift = (0..<c).map { bt[$0] - m[$0] * scale[$0] }
        return channelAffine(scale: scale, shift: shift)
    }

    /// y = x · scale[c] + shift[c] per channel.
    func channelAffine(scale: [Float], shift: [Float]) -> Tensor {
        let n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        var out = Tensor(zeros: shape)
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                Parallel.forEach(n * c, cost: inner) { r in
                    for p in r {
                        let a = scale[p % c], b = shift[p % c]
                        for i in 0..<inner { y[p * inner + i] = x[p * inner + i] * a + b }
                    }
                }
            }
        }
        return out
    }

    /// Batch statistics (mean and biased variance per channel, over N and the spatial axes).
    func channelMoments() -> (mean: [Float], variance: [Float]) {
        let n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        withUnsafePointer { x in
            for ch in 0..<c {
                var s = 0.0, s2 = 0.0
                for b in 0..<n {
                    let p = x + (b * c + ch) * inner
                    for i in 0..<inner { let v = Double(p[i]); s += v; s2 += v * v }
                }
                let cnt = Double(n * inner)
                let m = s / cnt
                mean[ch] = Float(m)
                variance[ch] = Float(max(0, s2 / cnt - m * m))
            }
        }
        return (mean, variance)
    }

    /// Training-mode batch norm: normalises with batch statistics; returns the output and what backward needs.
    func batchNormTraining(gamma: Tensor?, beta: Tensor?, eps: Float) -> (y: Tensor, cache: BatchNormCache, variance: [Float]) {
        let c = shape[1]
        let (mean, variance) = channelMoments()
        let invStd = variance.map { 1 / ($0 + eps).squareRoot() }
        let normalized = channelAffine(scale: invStd, shift: (0..<c).map { -mean[$0] * invStd[$0] })
        let gm = gamma?.scalars ?? [Float](repeating: 1, count: c), bt = beta?.scalars ?? [Float](repeating: 0, count: c)
        let y = normalized.channelAffine(scale: gm, shift: bt)
        return (y, BatchNormCache(mean: mean, invStd: invStd, normalized: normalized), variance)
    }

    /// Gradients of training-mode batch norm w.r.t. input, γ and β.
    static func batchNormBackward(cache: BatchNormCache, gamma: Tensor?, dy: Tensor) -> (dx: Tensor, dGamma: Tensor, dBeta: Tensor) {
        let shape = dy.shape, n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        let gm = gamma?.scalars ?? [Float](repeating: 1, count: c)
        var dGamma = Tensor(zeros: [c]), dBeta = Tensor(zeros: [c]), dx = Tensor(zeros: shape)
        let m = Float(n * inner)
        dy.withUnsafePointer { g in
            cache.normalized.withUnsafePointer { xh in
                dx.withUnsafeMutablePointer { d in
                    for ch in 0..<c {
                        var sg = 0.0, sgx = 0.0
                        for b in 0..<n {
                            let o = (b * c + ch) * inner
                            for i in 0..<inner { sg += Double(g[o + i]); sgx += Double(g[o + i] * xh[o + i]) }
                        }
                        dGamma[flat: ch] = Float(sgx)
                        dBeta[flat: ch] = Float(sg)
                        // dx = γ·invStd/m · (m·dy − Σdy − x̂·Σ(dy·x̂))
                        let k = gm[ch] * cache.invStd[ch] / m, meanG = Float(sg), meanGX = Float(sgx)
                        for b in 0..<n {
                            let o = (b * c + ch) * inner
                            for i in 0..<inner { d[o + i] = k * (m * g[o + i] - meanG - xh[o + i] * meanGX) }
                        }
                    }
                }
            }
        }
        return (dx, dGamma, dBeta)
    }
}

// MARK: - Losses

/// Loss values and gradients (each loss is a mean over elements unless stated).
enum Losses {
    /// mean |a − b|; gradient sign(a − b)/n.
    static func l1(_ a: Tensor, _ b: Tensor) -> (Float, Tensor) {
        let n = Float(max(a.count, 1))
        let diff = a - b
        return (diff.apply(Kernel.Abs()).sum() / n, diff.apply(Kernel.ScaledSign(scale: 1 / n)))
    }

    /// mean (a − b)²; gradient 2(a − b)/n.
    static func mse(_ a: Tensor, _ b: Tensor) -> (Float, Tensor) {
        let n = Float(max(a.count, 1))
        let diff = a - b
        return (diff.apply(Kernel.Square()).sum() / n, diff.affine(scale: 2 / n))
    }

    /// mean of max(x, 0) − x·t + log(1 + e^−|x|) (stable BCE on logits); gradient (σ(x) − t)/n.
    static func bceWithLogits(_ logits: Tensor, _ targets: Tensor) -> (Float, Tensor) {
        let n = Float(max(logits.count, 1))
        let terms = logits.zipMap(targets, "bceWithLogits") { x, t in max(x, 0) - x * t + log1p(exp(-abs(x))) }
        let grad = logits.zipMap(targets, "bceWithLogits") { x, t in (Tensor.sigmoid(x) - t) / n }
        return (terms.sum() / n, grad)
    }

    /// mean over rows of max(0, ‖a − p‖₂ − ‖a − n‖₂ + margin) for [N, D] embeddings; gradients w.r.t. a, p, n.
    static func tripletMargin(anchor a: Tensor, positive p: Tensor, negative ng: Tensor, margin: Float)
        -> (Float, Tensor, Tensor, Tensor) {
        let rows = a.shape[0], d = a.count / max(rows, 1)
        var ga = Tensor(zeros: a.shape), gp = Tensor(zeros: a.shape), gn = Tensor(zeros: a.shape)
        var total = 0.0
        a.withUnsafePointer { pa in
            p.withUnsafePointer { pp in
                ng.withUnsafePointer { pn in
                    ga.withUnsafeMutablePointer { da in
                        gp.withUnsafeMutablePointer { dp in
                            gn.withUnsafeMutablePointer { dn in
                                for r in 0..<rows {
                                    var sp: Float = 0, sn: Float = 0
                                    for j in 0..<d {
                                        let u = pa[r * d + j] - pp[r * d + j], v = pa[r * d + j] - pn[r * d + j]
                                        sp += u * u
                                        sn += v * v
                                    }
                                    // 1e-12 keeps the gradient finite when two embeddings coincide.
                                    let dPos = (sp + 1e-12).squareRoot(), dNeg = (sn + 1e-12).squareRoot()
                                    let loss = dPos - dNeg + margin
                                    guard loss > 0 else { continue }
                                    total += Double(loss)
                                    let s = 1 / Float(rows)
                                    for j in 0..<d {
                                        let u = (pa[r * d + j] - pp[r * d + j]) / dPos * s
                                        let v = (pa[r * d + j] - pn[r * d + j]) / dNeg * s
                                        da[r * d + j] = u - v
                                        dp[r * d + j] = -u
                                        dn[r * d + j] = v
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Float(total / Double(max(rows, 1))), ga, gp, gn)
    }
}
