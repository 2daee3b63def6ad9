import Foundation
import Tensor

/// Architecture and input layout of `LipGeometryModel`.
public struct LipGeometryConfiguration: Codable, Sendable, Equatable {
    /// Slots of viseme context on each side of the slot (2: five slots, 167 ms at 30 fps — coarticulation).
    public var visemeContext: Int
    /// Hidden units.
    public var hidden: Int
    /// Outputs: the lip-geometry vector (inner and outer aperture, mouth width, jaw opening), per clip standardised.
    public var outputs: Int

    public init(visemeContext: Int = 2, hidden: Int = 32, outputs: Int = 4) {
        self.visemeContext = visemeContext
        self.hidden = hidden
        self.outputs = outputs
    }

    /// Inputs per slot: the viseme probabilities of 2·context + 1 slots, then the slot's spectral features.
    public var inputWidth: Int { (2 * visemeContext + 1) * Viseme.allCases.count + SlotAudioCues.spectralWidth }

    /// The name stored in model files.
    public static let architecture = "lipgeometry-mlp-v1"
}

/// The audio→lip-geometry map (ours): a two-layer perceptron from each slot's phonetic and spectral cues
/// (`SlotAudioCues`) to the expected lip geometry of the face in that slot, per-clip standardised (every speaker's
/// geometry has mean 0 and variance 1 over the clip, so the model predicts how the mouth differs from the speaker's
/// average, not how large it is).
///
///     ĝ_j = W₂ · tanh(W₁ · x_j + b₁) + b₂,    x_j = [v_{j−c} … v_{j+c}, m_j]
///
/// with v the viseme probabilities and m the standardised MFCC context of slot j. Trained with mean squared error
/// against the landmarks' geometry of every frame of the training persons (`train`).
public final class LipGeometryModel: Module, @unchecked Sendable {
    public let configuration: LipGeometryConfiguration
    public let hidden: Linear
    public let output: Linear
    /// Provenance and calibration read from or written to the file's `__metadata__`.
    public var metadata: [String: String]

    public var parameters: [Parameter] { hidden.parameters + output.parameters }

    public init(configuration: LipGeometryConfiguration = LipGeometryConfiguration(), seed: UInt64 = 0) {
        self.configuration = configuration
        var g = SeededGenerator(seed: seed)
        let inputs = configuration.inputWidth
        hidden = Linear(name: "lips.hidden", inFeatures: inputs, outFeatures: configuration.hidden,
                        std: Float(1 / Double(inputs).squareRoot()), generator: &g)
        output = Linear(name: "lips.output", inFeatures: configuration.hidden, outFeatures: configuration.outputs,
                        std: Float(1 / Double(configuration.hidden).squareRoot()), generator: &g)
        metadata = [:]
    }

    // MARK: - Inputs

    /// The `n × inputWidth` input matrix of every slot of `cues` (viseme rows past the clip's ends are silence).
    public func inputs(_ cues: SlotAudioCues) -> [Float] {
        let n = cues.slotCount, v = Viseme.allCases.count, c = configuration.visemeContext
        let width = configuration.inputWidth, s = SlotAudioCues.spectralWidth
        var out = [Float](repeating: 0, count: n * width)
        for j in 0..<n {
            let row = j * width
            for o in -c...c {
                let src = j + o, dst = row + (o + c) * v
                if src >= 0 && src < n {
                    for k in 0..<v { out[dst + k] = cues.visemes[src * v + k] }
                } else {
                    out[dst + Viseme.silence.rawValue] = 1
                }
            }
            let spectralStart = row + (2 * c + 1) * v
            for k in 0..<s { out[spectralStart + k] = cues.spectral[j * s + k] }
        }
        return out
    }

    // MARK: - Forward

    /// Training forward pass: inputs [N, inputWidth] → geometry [N, outputs].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        try output(try hidden(x).tanh())
    }

    /// Expected geometry of every slot of `cues`: `n × outputs` values, slot-major.
    public func predict(_ cues: SlotAudioCues) throws(PhoneticsError) -> [Float] {
        let n = cues.slotCount
        guard n > 0 else { return [] }
        do {
            let x = try Tensor(shape: [n, configuration.inputWidth], scalars: inputs(cues))
            return try output(try hidden(x).tanh()).scalars
        } catch {
            throw .invalidModel("\(error)")
        }
    }

    // MARK: - Training

    /// Mean squared error of the predictions for `inputs` (N × inputWidth) against `targets` (N × outputs) on `tape`.
    public func loss(inputs: Tensor, targets: Tensor, tape: Tape) throws -> Variable {
        try self(tape.input(inputs)).mseLoss(tape.input(targets))
    }

    /// Trains on slot inputs and target geometries (rows paired, `inputs.count / inputWidth` rows): Adam,
    /// minibatches of `batch` rows drawn with `seed`, `steps` updates; returns the loss of every step.
    public func train(inputs: [Float], targets: [Float], steps: Int, batch: Int = 256, learningRate: Float = 3e-3,
                      seed: UInt64 = 1, log: ((Int, Float) -> Void)? = nil) throws -> [Float] {
        let w = configuration.inputWidth, o = configuration.outputs
        guard w > 0, inputs.count % w == 0, targets.count == inputs.count / w * o else {
            throw PhoneticsError.shapeMismatch("\(inputs.count) input and \(targets.count) target values")
        }
        let rows = inputs.count / w
        guard rows > 0, steps > 0, batch > 0 else { throw PhoneticsError.invalidSetting("\(rows) rows, \(steps) steps, batch \(batch)") }
        let adam = Adam(parameters: parameters, learningRate: learningRate, weightDecay: 1e-4)
        var g = SeededGenerator(seed: seed)
        var losses: [Float] = []
        let b = min(batch, rows)
        var x = [Float](repeating: 0, count: b * w), y = [Float](repeating: 0, count: b * o)
        for step in 0..<steps {
            for r in 0..<b {
                let i = Int.random(in: 0..<rows, using: &g)
                for k in 0..<w { x[r * w + k] = inputs[i * w + k] }
                for k in 0..<o { y[r * o + k] = targets[i * o + k] }
            }
            let tape = Tape()
            let l = try loss(inputs: Tensor(shape: [b, w], scalars: x), targets: Tensor(shape: [b, o], scalars: y), tape: tape)
            tape.backward(l)
            adam.update()
            adam.zeroGrad()
            losses.append(l.value.scalar)
            log?(step + 1, l.value.scalar)
        }
        return losses
    }

    // MARK: - Files

    /// Writes the model with its configuration and `metadata` (atomically, as safetensors).
    public func save(to path: String) throws {
        var meta = metadata
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        meta["lips.architecture"] = LipGeometryConfiguration.architecture
        meta["lips.config"] = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        meta["lips.parameters"] = String(parameterCount)
        try save(to: path, metadata: meta)
    }

    /// Reads a model file; a file that is not a lip-geometry model of this architecture is `invalidModel`.
    public static func load(path: String) throws -> LipGeometryModel {
        let file = try SafeTensors.read(path: path)
        guard file.metadata["lips.architecture"] == LipGeometryConfiguration.architecture else {
            throw PhoneticsError.invalidModel("\(path) holds no \(LipGeometryConfiguration.architecture) (no lips.architecture)")
        }
        guard let json = file.metadata["lips.config"],
              let config = try? JSONDecoder().decode(LipGeometryConfiguration.self, from: Data(json.utf8)) else {
            throw PhoneticsError.invalidModel("\(path) has no readable lips.config")
        }
        let model = LipGeometryModel(configuration: config)
        do {
            try model.load(stateDict: file.tensors)
        } catch {
            throw PhoneticsError.invalidModel("\(path): \(error)")
        }
        model.metadata = file.metadata
        return model
    }
}
