import Foundation

/// Adam (Kingma & Ba) with optional L2 weight decay added to the gradient (PyTorch's `Adam(weight_decay:)`).
public final class Adam {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Number of updates taken so far (drives the bias correction; restored from checkpoints).
    public internal(set) var step: Int = 0
    /// First and second moment estimates, one per parameter (same order as `parameters`).
    var m: [Tensor]
    var v: [Tensor]

    /// An optimizer over the trainable ones among `parameters`.
    public init(parameters: [Parameter], learningRate: Float = 1e-4, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters.filter(\.trainable)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        m = self.parameters.map { Tensor(zeros: $0.value.shape) }
        v = self.parameters.map { Tensor(zeros: $0.value.shape) }
    }

    /// Applies one update from the current gradients (it does not zero them).
    public func update() {
        step += 1
        let c1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let c2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay
        for (i, p) in parameters.enumerated() {
            let n = p.value.count
            p.grad.withUnsafePointer { g in
                m[i].withUnsafeMutablePointer { mp in
                    v[i].withUnsafeMutablePointer { vp in
                        p.value.withUnsafeMutablePointer { w in
                            Parallel.forEach(n, cost: 16) { r in
                                for j in r {
                                    let grad = g[j] + wd * w[j]
                                    mp[j] = b1 * mp[j] + (1 - b1) * grad
                                    vp[j] = b2 * vp[j] + (1 - b2) * grad * grad
                                    w[j] -= lr * (mp[j] / c1) / ((vp[j] / c2).squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Zeroes the gradients of every optimised parameter.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// The optimizer state as named tensors (for checkpoints): "adam.m.<name>", "adam.v.<name>".
    public var stateTensors: [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (i, p) in parameters.enumerated() {
            out["adam.m." + p.name] = m[i]
            out["adam.v." + p.name] = v[i]
        }
        return out
    }

    /// Restores moments saved by `stateTensors` and the step count; throws on missing or misshapen entries.
    public func restore(state: [String: Tensor], step: Int) throws {
        for (i, p) in parameters.enumerated() {
            guard let mi = state["adam.m." + p.name], let vi = state["adam.v." + p.name] else {
                throw TensorError.invalidModelFile("checkpoint lacks the Adam state of \(p.name)")
            }
            try mi.check(p.value.shape, "Adam state \(p.name)")
            try vi.check(p.value.shape, "Adam state \(p.name)")
            m[i] = mi
            v[i] = vi
        }
        self.step = step
    }
}

/// Gradient clipping.
public enum GradientClipping {
    /// Scales all gradients so their joint L2 norm is at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clipNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var total = 0.0
        for p in parameters {
            let n = Double(p.grad.norm())
            total += n * n
        }
        let norm = Float(total.squareRoot())
        if norm > maxNorm, norm > 0 {
            let s = maxNorm / norm
            for p in parameters { p.grad = p.grad.affine(scale: s) }
        }
        return norm
    }

    /// Clamps every gradient element to [−limit, limit].
    public static func clipValue(_ parameters: [Parameter], limit: Float) {
        for p in parameters { p.grad = p.grad.map { min(max($0, -limit), limit) } }
    }
}
