// MARK: - Parameters

/// A trainable (or persistent, like batch-norm running statistics) tensor with its gradient and its file name.
public final class Parameter: @unchecked Sendable {
    /// The name under which the tensor is stored in safetensors files (e.g. "flow.enc1.weight").
    public let name: String
    /// The current value.
    public var value: Tensor
    /// The accumulated gradient (same shape as `value`); zero it with `zeroGrad()` between steps.
    public var grad: Tensor
    /// False for persistent state the optimizer must not touch (running statistics).
    public let trainable: Bool

    public init(name: String, value: Tensor, trainable: Bool = true) {
        self.name = name
        self.value = value
        grad = Tensor(zeros: value.shape)
        self.trainable = trainable
    }

    /// Resets the gradient to zero.
    public func zeroGrad() { grad.zero() }
}

// MARK: - Tape

/// Records the operations of one training step so `backward` can run their adjoints in reverse order.
///
/// Usage: `let tape = Tape(); let y = model(tape.input(x)); let loss = y.mse(target); tape.backward(loss)`;
/// the gradients land in each `Parameter.grad`. A tape is used for one step and then dropped.
/// Inference never needs a tape: call the `Tensor` methods or the layers' `Tensor` overloads.
public final class Tape {
    private var records: [() -> Void] = []
    private var bound: [ObjectIdentifier: Variable] = [:]

    public init() {}

    /// A constant input (no gradient is computed for it).
    public func input(_ value: Tensor) -> Variable { Variable(value: value, tape: self, requiresGrad: false) }

    /// A leaf that collects a gradient in `Variable.grad` (for gradient checks and inputs you optimise).
    public func leaf(_ value: Tensor) -> Variable { Variable(value: value, tape: self, requiresGrad: true) }

    /// The variable bound to `parameter` on this tape (one per parameter per tape); its gradient accumulates
    /// into `parameter.grad` during `backward`.
    public func variable(_ parameter: Parameter) -> Variable {
        let key = ObjectIdentifier(parameter)
        if let v = bound[key] { return v }
        let v = Variable(value: parameter.value, tape: self, requiresGrad: parameter.trainable)
        v.parameter = parameter
        bound[key] = v
        return v
    }

    /// Number of recorded operations.
    public var count: Int { records.count }

    func record(_ adjoint: @escaping () -> Void) { records.append(adjoint) }

    /// Back-propagates from a scalar `loss` (seed 1), accumulating into parameter gradients; clears the tape.
    public func backward(_ loss: Variable, seed: Float = 1) {
        precondition(loss.value.count == 1, "backward: the loss must have one element, got shape \(loss.value.shape)")
        loss.accumulate(Tensor(shape: loss.value.shape, repeating: seed))
        for adjoint in records.reversed() { adjoint() }
        for v in bound.values where v.requiresGrad {
            if let g = v.grad, let p = v.parameter { p.grad.add(g) }
        }
        records.removeAll()
        bound.removeAll()
    }
}

// MARK: - Variable

/// A tensor inside a recorded computation: its value, and after `Tape.backward` its gradient.
public final class Variable {
    /// The forward value.
    public let value: Tensor
    /// The gradient of the loss w.r.t. this value (nil until something flows into it).
    public internal(set) var grad: Tensor?
    /// Whether any gradient needs to flow into this value.
    public let requiresGrad: Bool
    weak var tape: Tape?
    var parameter: Parameter?

    init(value: Tensor, tape: Tape?, requiresGrad: Bool) {
        self.value = value
        self.tape = tape
        self.requiresGrad = requiresGrad
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    func accumulate(_ g: Tensor) {
        guard requiresGrad else { return }
        if grad == nil { grad = g } else { grad?.add(g) }
    }

    /// Creates the output of an operation on `inputs`, recording `adjoint(output, outputGrad)` when any input needs a gradient.
    static func make(_ value: Tensor, _ inputs: [Variable], _ adjoint: @escaping (Tensor) -> Void) -> Variable {
        let tape = inputs.lazy.compactMap(\.tape).first
        let needs = inputs.contains { $0.requiresGrad }
        let out = Variable(value: value, tape: tape, requiresGrad: needs)
        if needs, let tape {
            // The record holds the output strongly; the output holds the tape weakly, so there is no cycle.
            tape.record {
                if let g = out.grad { adjoint(g) }
            }
        }
        return out
    }
}
