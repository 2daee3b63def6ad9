import Foundation

/// Differentiable operations: each computes the `Tensor` forward and records its adjoint on the tape.
extension Variable {
    // MARK: - Activations

    public func relu() -> Variable {
        let x = self
        return Variable.make(value.relu(), [x]) { g in x.accumulate(g.apply(x.value, "relu'", Kernel.ReLUGrad())) }
    }

    public func leakyReLU(_ slope: Float = 0.01) -> Variable {
        let x = self
        return Variable.make(value.leakyReLU(slope), [x]) { g in
            x.accumulate(g.apply(x.value, "leakyReLU'", Kernel.LeakyGrad(slope: slope)))
        }
    }

    public func sigmoid() -> Variable {
        let x = self, y = value.sigmoid()
        return Variable.make(y, [x]) { g in x.accumulate(g.apply(y, "sigmoid'", Kernel.SigmoidGrad())) }
    }

    public func tanh() -> Variable {
        let x = self, y = value.tanh()
        return Variable.make(y, [x]) { g in x.accumulate(g.apply(y, "tanh'", Kernel.TanhGrad())) }
    }

    // MARK: - Arithmetic (same-rank broadcasting: an extent of 1 repeats)

    public static func + (a: Variable, b: Variable) -> Variable {
        Variable.make(a.value + b.value, [a, b]) { g in
            a.accumulate(g.sum(toShape: a.shape))
            b.accumulate(g.sum(toShape: b.shape))
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        Variable.make(a.value - b.value, [a, b]) { g in
            a.accumulate(g.sum(toShape: a.shape))
            if b.requiresGrad { b.accumulate(g.affine(scale: -1).sum(toShape: b.shape)) }
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        Variable.make(a.value * b.value, [a, b]) { g in
            if a.requiresGrad { a.accumulate((g * b.value).sum(toShape: a.shape)) }
            if b.requiresGrad { b.accumulate((g * a.value).sum(toShape: b.shape)) }
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        let y = a.value / b.value
        return Variable.make(y, [a, b]) { g in
            if a.requiresGrad { a.accumulate((g / b.value).sum(toShape: a.shape)) }
            if b.requiresGrad { b.accumulate((Tensor(zeros: y.shape) - g * y / b.value).sum(toShape: b.shape)) }
        }
    }

    /// scale · x + shift.
    public func affine(scale: Float, shift: Float = 0) -> Variable {
        let x = self
        return Variable.make(value.affine(scale: scale, shift: shift), [x]) { g in x.accumulate(g.affine(scale: scale)) }
    }

    public static func * (a: Variable, s: Float) -> Variable { a.affine(scale: s) }
    public static func * (s: Float, a: Variable) -> Variable { a.affine(scale: s) }
    public static func + (a: Variable, s: Float) -> Variable { a.affine(scale: 1, shift: s) }

    // MARK: - Reductions and shape

    /// Sum of all elements (shape [1]).
    public func sum() -> Variable {
        let x = self
        return Variable.make(Tensor(shape: [1], repeating: value.sum()), [x]) { g in
            x.accumulate(Tensor(shape: x.shape, repeating: g.scalar))
        }
    }

    /// Mean of all elements (shape [1]).
    public func mean() -> Variable {
        let x = self, n = Float(max(value.count, 1))
        return Variable.make(Tensor(shape: [1], repeating: value.mean()), [x]) { g in
            x.accumulate(Tensor(shape: x.shape, repeating: g.scalar / n))
        }
    }

    /// Sum down to `shape` (each kept extent equal, each reduced extent 1).
    public func sum(toShape shape: [Int]) -> Variable {
        let x = self
        return Variable.make(value.sum(toShape: shape), [x]) { g in
            x.accumulate(g + Tensor(zeros: x.shape))  // broadcast back up
        }
    }

    /// The same elements under another shape (no copy).
    public func reshaped(_ shape: [Int]) throws -> Variable {
        let x = self
        return Variable.make(try value.reshaped(shape), [x]) { g in
            // The gradient has the same element count, so the reshape cannot fail.
            if let r = try? g.reshaped(x.shape) { x.accumulate(r) }
        }
    }

    /// [N, …] → [N, product of the rest].
    public func flattened() -> Variable {
        let n = shape.first ?? 1
        // Always valid: the element count is unchanged.
        return (try? reshaped([n, value.count / max(n, 1)])) ?? self
    }

    /// Concatenation along dimension 1 (channels).
    public static func concatChannels(_ parts: [Variable]) -> Variable {
        Variable.make(Tensor.concatChannels(parts.map(\.value)), parts) { g in
            var c0 = 0
            for p in parts {
                let c = p.shape[1]
                if p.requiresGrad { p.accumulate(g.channels(c0..<(c0 + c))) }
                c0 += c
            }
        }
    }

    /// Channels `range` of dimension 1.
    public func channels(_ range: Range<Int>) -> Variable {
        let x = self
        return Variable.make(value.channels(range), [x]) { g in
            var full = Tensor(zeros: x.shape)
            full.addChannels(g, at: range.lowerBound)
            x.accumulate(full)
        }
    }

    // MARK: - Layers

    /// Convolution; see `Tensor.conv2d`.
    public func conv2d(weight: Variable, bias: Variable? = nil, options: Conv2dOptions = .init()) throws -> Variable {
        let x = self
        let y = try value.conv2d(weight: weight.value, bias: bias?.value, options: options)
        var inputs = [x, weight]
        if let bias { inputs.append(bias) }
        return Variable.make(y, inputs) { g in
            let r = Tensor.conv2dBackward(input: x.value, weight: weight.value, hasBias: bias != nil, options: options,
                                          dy: g, needInput: x.requiresGrad)
            if let dx = r.dx { x.accumulate(dx) }
            weight.accumulate(r.dw)
            if let bias, let db = r.db { bias.accumulate(db) }
        }
    }

    /// Fully connected map; see `Tensor.linear`.
    public func linear(weight: Variable, bias: Variable? = nil) throws -> Variable {
        let x = self
        let y = try value.linear(weight: weight.value, bias: bias?.value)
        var inputs = [x, weight]
        if let bias { inputs.append(bias) }
        return Variable.make(y, inputs) { g in
            // Shapes were checked by the forward pass.
            if x.requiresGrad, let dx = try? g.matmul(weight.value) { x.accumulate(dx) }
            if weight.requiresGrad, let dw = try? g.matmul(x.value, transposeSelf: true) { weight.accumulate(dw) }
            if let bias { bias.accumulate(g.sum(toShape: [1, g.shape[1]]).reshapedUnchecked([g.shape[1]])) }
        }
    }

    /// Training-mode batch norm over [N, C, …]; returns the output and the batch mean and biased variance.
    public func batchNorm(gamma: Variable?, beta: Variable?, eps: Float = 1e-5) -> (Variable, mean: [Float], variance: [Float]) {
        let x = self
        let (y, cache, variance) = value.batchNormTraining(gamma: gamma?.value, beta: beta?.value, eps: eps)
        var inputs = [x]
        if let gamma { inputs.append(gamma) }
        if let beta { inputs.append(beta) }
        let out = Variable.make(y, inputs) { g in
            let r = Tensor.batchNormBackward(cache: cache, gamma: gamma?.value, dy: g)
            x.accumulate(r.dx)
            gamma?.accumulate(r.dGamma)
            beta?.accumulate(r.dBeta)
        }
        return (out, cache.mean, variance)
    }

    public func avgPool2d(kernel: Int, stride: Int? = nil) -> Variable {
        let x = self, s = stride ?? kernel
        return Variable.make(value.avgPool2d(kernel: kernel, stride: s), [x]) { g in
            x.accumulate(Tensor.avgPool2dBackward(inputShape: x.shape, kernel: kernel, stride: s, dy: g))
        }
    }

    public func maxPool2d(kernel: Int, stride: Int? = nil) -> Variable {
        let x = self, s = stride ?? kernel
        return Variable.make(value.maxPool2d(kernel: kernel, stride: s), [x]) { g in
            x.accumulate(Tensor.maxPool2dBackward(input: x.value, kernel: kernel, stride: s, dy: g))
        }
    }

    public func resizedBilinear(height: Int, width: Int) -> Variable {
        let x = self
        return Variable.make(value.resizedBilinear(height: height, width: width), [x]) { g in
            x.accumulate(Tensor.resizedBilinearBackward(inputShape: x.shape, dy: g))
        }
    }

    public func upsampleBilinear2x() -> Variable {
        resizedBilinear(height: 2 * shape[2], width: 2 * shape[3])
    }

    /// Backward warping of this image by `flow`; gradients flow to both. See `Tensor.warp`.
    public func warped(by flow: Variable) -> Variable {
        let image = self
        return Variable.make(Tensor.warp(image.value, by: flow.value), [image, flow]) { g in
            let r = Tensor.warpBackward(image: image.value, flow: flow.value, dy: g,
                                        needImage: image.requiresGrad, needFlow: flow.requiresGrad)
            if let d = r.dImage { image.accumulate(d) }
            if let d = r.dFlow { flow.accumulate(d) }
        }
    }

    public func gradientX() -> Variable {
        let x = self
        return Variable.make(value.gradientX(), [x]) { g in x.accumulate(Tensor.gradientXBackward(inputShape: x.shape, dy: g)) }
    }

    public func gradientY() -> Variable {
        let x = self
        return Variable.make(value.gradientY(), [x]) { g in x.accumulate(Tensor.gradientYBackward(inputShape: x.shape, dy: g)) }
    }

    // MARK: - Losses (means over elements; shape [1])

    /// mean |self − target|.
    public func l1Loss(_ target: Variable) -> Variable { binaryLoss(target, Losses.l1) }

    /// mean (self − target)².
    public func mseLoss(_ target: Variable) -> Variable { binaryLoss(target, Losses.mse) }

    /// Binary cross-entropy on logits `self` against targets in [0, 1].
    public func bceWithLogitsLoss(_ target: Variable) -> Variable {
        let x = self
        let (v, gx) = Losses.bceWithLogits(x.value, target.value)
        let gt = x.value.affine(scale: -1 / Float(max(x.value.count, 1)))  // ∂/∂t = −x/n
        return Variable.make(Tensor(shape: [1], repeating: v), [x, target]) { g in
            x.accumulate(gx.affine(scale: g.scalar))
            target.accumulate(gt.affine(scale: g.scalar))
        }
    }

    /// Triplet margin loss on [N, D] embeddings: mean of max(0, ‖a − p‖ − ‖a − n‖ + margin) (Ali-Net).
    public static func tripletMarginLoss(anchor: Variable, positive: Variable, negative: Variable, margin: Float = 1) -> Variable {
        precondition(anchor.shape == positive.shape && anchor.shape == negative.shape && anchor.shape.count == 2,
                     "tripletMarginLoss: anchor, positive and negative must share one [N, D] shape, got \(anchor.shape), \(positive.shape), \(negative.shape)")
        let (v, ga, gp, gn) = Losses.tripletMargin(anchor: anchor.value, positive: positive.value, negative: negative.value, margin: margin)
        return Variable.make(Tensor(shape: [1], repeating: v), [anchor, positive, negative]) { g in
            anchor.accumulate(ga.affine(scale: g.scalar))
            positive.accumulate(gp.affine(scale: g.scalar))
            negative.accumulate(gn.affine(scale: g.scalar))
        }
    }

    private func binaryLoss(_ target: Variable, _ f: (Tensor, Tensor) -> (Float, Tensor)) -> Variable {
        let x = self
        precondition(x.shape == target.shape, "loss: prediction \(x.shape) and target \(target.shape) differ")
        let (v, grad) = f(x.value, target.value)
        return Variable.make(Tensor(shape: [1], repeating: v), [x, target]) { g in
            x.accumulate(grad.affine(scale: g.scalar))
            target.accumulate(grad.affine(scale: -g.scalar))
        }
    }
}

extension Tensor {
    /// Reshape whose validity the caller guarantees (same element count).
    func reshapedUnchecked(_ shape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(shape) == count, "reshape: \(self.shape) → \(shape) changes the element count")
        return Tensor(shape: shape, storage: storage, offset: offset)
    }
}
