import Foundation

// MARK: - Transposed convolution

extension Tensor {
    /// Output extent of a transposed convolution along one axis (PyTorch's `ConvTranspose2d`, output_padding 0):
    /// (input − 1)·stride − 2·padding + dilation·(kernel − 1) + 1.
    public static func convTransposeOutputSize(_ input: Int, kernel: Int, options o: Conv2dOptions) -> Int {
        (input - 1) * o.stride - 2 * o.padding + o.dilation * (kernel - 1) + 1
    }

    /// The geometry of the convolution whose input gradient a transposed convolution of `input` computes.
    static func convTransposeGeometry(input: [Int], weight: [Int], options o: Conv2dOptions) throws -> ConvGeometry {
        guard input.count == 4, weight.count == 4, o.groups == 1, weight[0] == input[1] else {
            throw TensorError.shapeMismatch(operation: "convTranspose2d weight [Cin, Cout, kH, kW] (groups 1)",
                                            expected: [input.count == 4 ? input[1] : -1, -1, -1, -1], got: weight)
        }
        let ho = convTransposeOutputSize(input[2], kernel: weight[2], options: o)
        let wo = convTransposeOutputSize(input[3], kernel: weight[3], options: o)
        guard ho > 0, wo > 0 else {
            throw TensorError.shapeMismatch(operation: "convTranspose2d: empty output", expected: [1, 1], got: [ho, wo])
        }
        let g = try ConvGeometry(input: [input[0], weight[1], ho, wo], weight: weight, options: o)
        guard g.hout == input[2], g.wout == input[3] else {
            throw TensorError.shapeMismatch(operation: "convTranspose2d geometry", expected: [input[2], input[3]],
                                            got: [g.hout, g.wout])
        }
        return g
    }

    /// Transposed 2-D convolution (PyTorch's `ConvTranspose2d`: weight [Cin, Cout, kH, kW], groups 1, output_padding 0)
    /// with optional bias [Cout]; the adjoint of `conv2d` with the same weight and options.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, options: Conv2dOptions = .init()) throws -> Tensor {
        var out = Tensor(zeros: [0])
        try convTranspose2d(weight: weight, bias: bias, options: options, into: &out)
        return out
    }

    /// `convTranspose2d` into `out`, reusing its storage when it already has the output shape and is unshared.
    ///
    /// Computed as the input gradient of the matching convolution: one product Wᵀ·x per image into a column matrix,
    /// scattered back with col2im (so it shares the convolution's kernels and tiling).
    public func convTranspose2d(weight: Tensor, bias: Tensor?, options: Conv2dOptions, into out: inout Tensor) throws {
        let g = try Tensor.convTransposeGeometry(input: shape, weight: weight.shape, options: options)
        if let bias { try bias.check([g.cin], "convTranspose2d bias") }
        let outShape = [g.n, g.cin, g.h, g.w]
        if out.shape != outShape { out = Tensor(zeros: outShape) } else { out.zero() }
        withUnsafePointer { x in
            weight.withUnsafePointer { w in
                out.withUnsafeMutablePointer { y in
                    // `x` of the backward kernel is only read for the weight gradient, which is not asked for here.
                    ConvKernels.backward(g, x: UnsafePointer(y), w: w, dy: x, dx: y, dw: nil, db: nil)
                    if let bias {
                        bias.withUnsafePointer { b in
                            for n in 0..<g.n { ConvKernels.addBias(b, to: y + n * g.cin * g.h * g.w, channels: g.cin, planeSize: g.h * g.w) }
                        }
                    }
                }
            }
        }
    }

    /// Gradients of `convTranspose2d`: (dInput if requested, dWeight, dBias if the layer has one).
    static func convTranspose2dBackward(input: Tensor, weight: Tensor, hasBias: Bool, options: Conv2dOptions, dy: Tensor,
                                        needInput: Bool) -> (dx: Tensor?, dw: Tensor, db: Tensor?) {
        guard let g = try? convTransposeGeometry(input: input.shape, weight: weight.shape, options: options) else {
            preconditionFailure("convTranspose2dBackward: shapes changed since the forward pass")
        }
        // out = convᵀ(x, W): dx = conv(dy, W); dW[ci, ·] = Σ x[ci] · im2col(dy), the convolution's weight gradient
        // with the roles of input (dy) and output gradient (x) exchanged.
        let dx: Tensor? = needInput ? (try? dy.conv2d(weight: weight, options: options)) : nil
        var dw = Tensor(zeros: weight.shape)
        dy.withUnsafePointer { gy in
            input.withUnsafePointer { x in
                weight.withUnsafePointer { w in
                    dw.withUnsafeMutablePointer { dwp in
                        ConvKernels.backward(g, x: gy, w: w, dy: x, dx: nil, dw: dwp, db: nil)
                    }
                }
            }
        }
        let db: Tensor? = hasBias ? dy.sum(toShape: [1, g.cin, 1, 1]).reshapedUnchecked([g.cin]) : nil
        return (dx, dw, db)
    }

}

// MARK: - PReLU

extension Tensor {
    /// PReLU with one slope per channel (dimension 1), in place: x > 0 ? x : slope[c]·x (PyTorch's `PReLU(C)`).
    public mutating func formPReLU(slopes: Tensor) {
        precondition(rank >= 2 && slopes.count == shape[1], "formPReLU: \(slopes.count) slopes for shape \(shape)")
        let n = shape[0], c = shape[1], inner = shape.dropFirst(2).reduce(1, *)
        slopes.withUnsafePointer { a in
            withUnsafeMutablePointer { x in
                Parallel.forEach(n * c, cost: inner) { r in
                    for p in r {
                        let s = a[p % c], base = x + p * inner
                        for i in 0..<inner where base[i] < 0 { base[i] *= s }
                    }
                }
            }
        }
    }

    /// PReLU with one slope per channel (a copy; see `formPReLU`).
    public func prelu(slopes: Tensor) -> Tensor {
        var out = self
        out.formPReLU(slopes: slopes)
        return out
    }

    /// Gradients of PReLU w.r.t. the input and the slopes.
    static func preluBackward(input: Tensor, slopes: Tensor, dy: Tensor) -> (dx: Tensor, dSlopes: Tensor) {
        let n = input.shape[0], c = input.shape[1], inner = input.shape.dropFirst(2).reduce(1, *)
        var dx = Tensor(zeros: input.shape)
        var ds = [Double](repeating: 0, count: c)
        input.withUnsafePointer { x in
            dy.withUnsafePointer { g in
                slopes.withUnsafePointer { a in
                    dx.withUnsafeMutablePointer { d in
                        for p in 0..<(n * c) {
                            let ch = p % c, s = a[ch], o = p * inner
                            var acc = 0.0
                            for i in 0..<inner {
                                let v = x[o + i]
                                if v > 0 { d[o + i] = g[o + i] } else { d[o + i] = s * g[o + i]; acc += Double(g[o + i] * v) }
                            }
                            ds[ch] += acc
                        }
                    }
                }
            }
        }
        return (dx, (try? Tensor(shape: slopes.shape, scalars: ds.map { Float($0) })) ?? Tensor(zeros: slopes.shape))
    }
}

// MARK: - Differentiable versions

extension Variable {
    /// Transposed convolution on the tape (see `Tensor.convTranspose2d`).
    public func convTranspose2d(weight: Variable, bias: Variable? = nil, options: Conv2dOptions = .init()) throws -> Variable {
        let x = self
        let y = try x.value.convTranspose2d(weight: weight.value, bias: bias?.value, options: options)
        let parents = [x, weight] + (bias.map { [$0] } ?? [])
        return Variable.make(y, parents) { g in
            let (dx, dw, db) = Tensor.convTranspose2dBackward(input: x.value, weight: weight.value, hasBias: bias != nil,
                                                               options: options, dy: g, needInput: x.requiresGrad)
            if let dx { x.accumulate(dx) }
            if weight.requiresGrad { weight.accumulate(dw) }
            if let bias, let db, bias.requiresGrad { bias.accumulate(db) }
        }
    }

    /// PReLU with one slope per channel on the tape (see `Tensor.formPReLU`).
    public func prelu(slopes: Variable) -> Variable {
        let x = self
        return Variable.make(x.value.prelu(slopes: slopes.value), [x, slopes]) { g in
            let (dx, ds) = Tensor.preluBackward(input: x.value, slopes: slopes.value, dy: g)
            if x.requiresGrad { x.accumulate(dx) }
            if slopes.requiresGrad { slopes.accumulate(ds) }
        }
    }
}
