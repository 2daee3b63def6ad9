// MARK: - Module

/// Anything with parameters: layers and the networks built from them.
public protocol Module: AnyObject {
    /// Every parameter (trainable and persistent), in a stable order; names are unique within a network.
    var parameters: [Parameter] { get }
}

extension Module {
    /// The trainable parameters only (what the optimizer updates).
    public var trainableParameters: [Parameter] { parameters.filter(\.trainable) }
    /// Total number of trainable scalars.
    public var parameterCount: Int { trainableParameters.reduce(0) { $0 + $1.value.count } }
    /// Zeroes every gradient.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}

/// The paper's weight initialisation: N(0, 0.02) for weights, zeros for biases.
public enum Initialization {
    /// Standard deviation of the paper's normal initialisation.
    public static let paperStd: Float = 0.02

    /// A weight tensor drawn from N(0, std²).
    public static func normal(_ shape: [Int], std: Float = paperStd, using generator: inout some RandomNumberGenerator) -> Tensor {
        Tensor.randomNormal(shape, std: std, using: &generator)
    }
}

// MARK: - Conv2d

/// A 2-D convolution layer (weight [Cout, Cin/groups, k, k], optional bias [Cout]).
public final class Conv2d: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let options: Conv2dOptions
    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// Creates the layer with weights from N(0, `std`²) (the paper's 0.02 by default) and zero bias.
    public init(name: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, std: Float = Initialization.paperStd,
                generator: inout some RandomNumberGenerator) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d \(name): channels \(inChannels)→\(outChannels) not divisible by groups \(groups)")
        weight = Parameter(name: name + ".weight",
                           value: Initialization.normal([outChannels, inChannels / groups, kernelSize, kernelSize], std: std,
                                                        using: &generator))
        self.bias = bias ? Parameter(name: name + ".bias", value: Tensor(zeros: [outChannels])) : nil
        options = Conv2dOptions(stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// Training: records on the input's tape.
    public func callAsFunction(_ x: Variable) throws -> Variable {
        guard let tape = x.tape else { return Variable(value: try self(x.value), tape: nil, requiresGrad: false) }
        return try x.conv2d(weight: tape.variable(weight), bias: bias.map { tape.variable($0) }, options: options)
    }

    /// Inference: no tape.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight.value, bias: bias?.value, options: options)
    }

    /// Inference into a reused output buffer.
    public func forward(_ x: Tensor, into out: inout Tensor) throws {
        try x.conv2d(weight: weight.value, bias: bias?.value, options: options, into: &out)
    }
}

// MARK: - Linear

/// A fully connected layer (weight [out, in], bias [out], PyTorch's layout).
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public init(name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true, std: Float = Initialization.paperStd,
                generator: inout some RandomNumberGenerator) {
        weight = Parameter(name: name + ".weight", value: Initialization.normal([outFeatures, inFeatures], std: std, using: &generator))
        self.bias = bias ? Parameter(name: name + ".bias", value: Tensor(zeros: [outFeatures])) : nil
    }

    /// Training: input [N, in] (or [N, …], flattened).
    public func callAsFunction(_ x: Variable) throws -> Variable {
        let flat = x.shape.count == 2 ? x : x.flattened()
        guard let tape = x.tape else { return Variable(value: try self(flat.value), tape: nil, requiresGrad: false) }
        return try flat.linear(weight: tape.variable(weight), bias: bias.map { tape.variable($0) })
    }

    /// Inference: input [N, in] (or [N, …], flattened).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let n = x.shape.first ?? 1
        let flat = x.rank == 2 ? x : try x.reshaped([n, x.count / max(n, 1)])
        return try flat.linear(weight: weight.value, bias: bias?.value)
    }
}

// MARK: - BatchNorm2d

/// Batch normalisation over [N, C, …] with learned γ, β and running statistics for inference.
public final class BatchNorm2d: Module {
    public let gamma: Parameter
    public let beta: Parameter
    /// Running mean and (unbiased) variance, updated in training with `momentum` (PyTorch's convention).
    public let runningMean: Parameter
    public let runningVar: Parameter
    public let momentum: Float
    public let eps: Float
    public var parameters: [Parameter] { [gamma, beta, runningMean, runningVar] }

    /// Names follow PyTorch: `name.weight`, `name.bias`, `name.running_mean`, `name.running_var`.
    public init(name: String, channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        gamma = Parameter(name: name + ".weight", value: Tensor(shape: [channels], repeating: 1))
        beta = Parameter(name: name + ".bias", value: Tensor(zeros: [channels]))
        runningMean = Parameter(name: name + ".running_mean", value: Tensor(zeros: [channels]), trainable: false)
        runningVar = Parameter(name: name + ".running_var", value: Tensor(shape: [channels], repeating: 1), trainable: false)
        self.momentum = momentum
        self.eps = eps
    }

    /// Training: normalises with batch statistics and updates the running statistics.
    public func callAsFunction(_ x: Variable) -> Variable {
        guard let tape = x.tape else { return Variable(value: self(x.value), tape: nil, requiresGrad: false) }
        let (y, mean, variance) = x.batchNorm(gamma: tape.variable(gamma), beta: tape.variable(beta), eps: eps)
        let m = Float(x.value.count / max(x.shape[1], 1))
        let unbias = m > 1 ? m / (m - 1) : 1
        runningMean.value.withUnsafeMutablePointer { rm in
            runningVar.value.withUnsafeMutablePointer { rv in
                for c in 0..<mean.count {
                    rm[c] = (1 - momentum) * rm[c] + momentum * mean[c]
                    rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * unbias
                }
            }
        }
        return y
    }

    /// Inference: normalises with the running statistics.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.batchNorm(mean: runningMean.value, variance: runningVar.value, gamma: gamma.value, beta: beta.value, eps: eps)
    }
}

/// An ordered list of modules whose parameters are the concatenation of theirs (for networks built by composition).
public final class ModuleList: Module {
    public let modules: [any Module]
    public init(_ modules: [any Module]) { self.modules = modules }
    public var parameters: [Parameter] { modules.flatMap(\.parameters) }
}
