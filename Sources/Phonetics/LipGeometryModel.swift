import Features
import Foundation
import Tensor

/// Architecture and input layout of `LipGeometryModel`.
public struct LipGeometryConfiguration: Codable, Sendable, Equatable {
    /// What each slot's input row holds besides the viseme probabilities of the context slots.
    public enum InputLayout: String, Codable, Sendable, CaseIterable {
        /// The slot's whole MFCC context (13 coefficients × 5 frames, standardised per clip): the first model's
        /// inputs. With 65 spectral values per slot the model learned the training speakers' voices: its error on
        /// new persons was above the clip mean's (DECISIONS.md, "Phonetic audio").
        case visemesAndSpectral = "visemes+spectral"
        /// The clip-standardised log energy (MFCC c0, averaged over the slot's 5 feature frames) of every context
        /// slot: loudness over time, which depends little on who speaks.
        case visemesAndEnergy = "visemes+energy"
        /// `visemesAndEnergy` plus the spectral envelope of the slot and its neighbours: MFCC-13 averaged over each
        /// slot's 5 feature frames (clip-standardised columns) for the `mfccContext` slots on each side
        /// (`train-lips --inputs mfcc`). It predicts the geometry of new persons better (validation MSE 0.847
        /// against 0.890) but does not place frames better: its gain is in slow components, speech against pause,
        /// that do not tell neighbouring slots apart (DECISIONS.md, "Where the alignment's remaining error comes
        /// from"). Not the shipped layout.
        case visemesEnergyAndMFCC = "visemes+energy+mfcc"
    }

    /// Slots on each side whose slot-averaged MFCC enter the `visemesEnergyAndMFCC` layout (2: five slots).
    public static let mfccContext = 2

    /// Slots of context on each side of the slot (4: nine slots, 300 ms at 30 fps — coarticulation, and the lips
    /// moving before the sound).
    public var visemeContext: Int
    /// Hidden units; 0 makes the model linear (`ĝ = W·x + b`, fitted in closed form by ridge regression).
    public var hidden: Int
    /// Outputs: the lip-geometry vector (inner and outer aperture, mouth width, jaw opening), per clip standardised.
    public var outputs: Int
    /// The input row's layout.
    public var inputs: InputLayout

    /// The defaults are the shipped model's: linear, nine slots of visemes and energy.
    public init(visemeContext: Int = 4, hidden: Int = 0, outputs: Int = 4, inputs: InputLayout = .visemesAndEnergy) {
        self.visemeContext = visemeContext
        self.hidden = hidden
        self.outputs = outputs
        self.inputs = inputs
    }

    /// The first model's configuration (`lipgeometry-mlp-v1` files): a 32-unit perceptron on five slots of visemes
    /// and the slot's MFCC context.
    public static let perceptronV1 = LipGeometryConfiguration(visemeContext: 2, hidden: 32, outputs: 4,
                                                              inputs: .visemesAndSpectral)

    enum CodingKeys: String, CodingKey { case visemeContext, hidden, outputs, inputs }

    /// Decodes a stored configuration; files written before `inputs` existed hold the first model's layout.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        visemeContext = try c.decode(Int.self, forKey: .visemeContext)
        hidden = try c.decode(Int.self, forKey: .hidden)
        outputs = try c.decode(Int.self, forKey: .outputs)
        inputs = try c.decodeIfPresent(InputLayout.self, forKey: .inputs) ?? .visemesAndSpectral
    }

    /// Whether the model is the linear map (no hidden layer).
    public var isLinear: Bool { hidden == 0 }

    /// Values per context slot besides the visemes (energy: 1; spectral: none, the MFCC block is the slot's own).
    var perSlotExtra: Int { inputs == .visemesAndSpectral ? 0 : 1 }

    /// Inputs per slot: for each of the 2·context + 1 slots its viseme probabilities (and its energy), then for the
    /// spectral layout the slot's MFCC context, for the MFCC layout the slot-averaged MFCC of 2·`mfccContext` + 1 slots.
    public var inputWidth: Int {
        let slots = 2 * visemeContext + 1
        return slots * (Viseme.allCases.count + perSlotExtra) + spectralInputs
    }

    /// Inputs after the context slots' visemes (and energy).
    var spectralInputs: Int {
        switch inputs {
        case .visemesAndSpectral: SlotAudioCues.spectralWidth
        case .visemesAndEnergy: 0
        case .visemesEnergyAndMFCC: (2 * Self.mfccContext + 1) * AudioFeatureSettings.mfcc.dimension
        }
    }

    /// Throws when a setting cannot make a model.
    public func validate() throws(PhoneticsError) {
        guard visemeContext >= 0, hidden >= 0, outputs > 0 else {
            throw .invalidSetting("lip model: context \(visemeContext), hidden \(hidden), outputs \(outputs)")
        }
    }

    /// The name stored in model files (`lips.architecture`).
    public static let architecture = "lipgeometry-v2"
    /// The first model's name, still read (its configuration decodes to `perceptronV1`'s layout).
    public static let architectureV1 = "lipgeometry-mlp-v1"
}

/// The audio→lip-geometry map (ours): from each slot's phonetic and loudness cues (`SlotAudioCues`) to the
/// expected lip geometry of the face in that slot, per-clip standardised (every speaker's geometry has mean 0 and
/// variance 1 over the clip, so the model predicts how the mouth differs from the speaker's average, not how large
/// it is).
///
///     ĝ_j = W · x_j + b                          (linear, `hidden` = 0: the shipped model)
///     ĝ_j = W₂ · tanh(W₁ · x_j + b₁) + b₂        (perceptron, the first model)
///     x_j = [v_{j−c}, e_{j−c}, …, v_{j+c}, e_{j+c}]   or   [v_{j−c} … v_{j+c}, m_j]
///
/// with v the viseme probabilities, e the clip-standardised log energy and m the standardised MFCC context of the
/// slot. The linear map is fitted in closed form (ridge regression, `fitRidge`); the perceptron by Adam on the mean
/// squared error (`train`), both against the landmarks' geometry of every frame of the training persons.
public final class LipGeometryModel: Module, @unchecked Sendable {
    public let configuration: LipGeometryConfiguration
    /// The hidden layer (nil for the linear map).
    public let hidden: Linear?
    /// The output layer (the whole map when linear).
    public let output: Linear
    /// Provenance and calibration read from or written to the file's `__metadata__`.
    public var metadata: [String: String]
    /// The whitening of the model's residuals on its training rows (G × G, row-major; `fitRidge` sets it, stored as
    /// `lips.whitening`), which `LipGeometryCue` applies to both sides; nil for the first model.
    public var whitening: [Float]?

    public var parameters: [Parameter] { (hidden?.parameters ?? []) + output.parameters }

    public init(configuration: LipGeometryConfiguration = LipGeometryConfiguration(), seed: UInt64 = 0) {
        self.configuration = configuration
        var g = SeededGenerator(seed: seed)
        let inputs = configuration.inputWidth
        if configuration.isLinear {
            hidden = nil
            output = Linear(name: "lips.output", inFeatures: inputs, outFeatures: configuration.outputs,
                            std: Float(1 / Double(max(inputs, 1)).squareRoot()), generator: &g)
        } else {
            hidden = Linear(name: "lips.hidden", inFeatures: inputs, outFeatures: configuration.hidden,
                            std: Float(1 / Double(max(inputs, 1)).squareRoot()), generator: &g)
            output = Linear(name: "lips.output", inFeatures: configuration.hidden, outFeatures: configuration.outputs,
                            std: Float(1 / Double(configuration.hidden).squareRoot()), generator: &g)
        }
        metadata = [:]
    }

    // MARK: - Inputs

    /// The `n × inputWidth` input matrix of every slot of `cues` (context slots past the clip's ends are silence,
    /// with energy 0, the clip's mean).
    public func inputs(_ cues: SlotAudioCues) -> [Float] {
        let n = cues.slotCount, v = Viseme.allCases.count, c = configuration.visemeContext
        let width = configuration.inputWidth, s = SlotAudioCues.spectralWidth
        let extra = configuration.perSlotExtra, stride = v + extra
        let energy = extra > 0 ? cues.energy : []
        let mfcc = configuration.inputs == .visemesEnergyAndMFCC ? cues.slotMFCC : []
        let d = AudioFeatureSettings.mfcc.dimension, mc = LipGeometryConfiguration.mfccContext
        var out = [Float](repeating: 0, count: n * width)
        for j in 0..<n {
            let row = j * width
            for o in -c...c {
                let src = j + o, dst = row + (o + c) * stride
                if src >= 0 && src < n {
                    for k in 0..<v { out[dst + k] = cues.visemes[src * v + k] }
                    if extra > 0 { out[dst + v] = energy[src] }
                } else {
                    out[dst + Viseme.silence.rawValue] = 1
                }
            }
            let spectralStart = row + (2 * c + 1) * stride
            switch configuration.inputs {
            case .visemesAndSpectral:
                for k in 0..<s { out[spectralStart + k] = cues.spectral[j * s + k] }
            case .visemesEnergyAndMFCC:
                // Past the clip's ends the clip's mean, 0.
                for o in -mc...mc where j + o >= 0 && j + o < n {
                    let dst = spectralStart + (o + mc) * d
                    for k in 0..<d { out[dst + k] = mfcc[(j + o) * d + k] }
                }
            case .visemesAndEnergy:
                break
            }
        }
        return out
    }

    // MARK: - Forward

    /// Training forward pass: inputs [N, inputWidth] → geometry [N, outputs].
    public func callAsFunction(_ x: Variable) throws -> Variable {
        guard let hidden else { return try output(x) }
        return try output(try hidden(x).tanh())
    }

    /// The map on a batch of input rows [N, inputWidth] → [N, outputs] (inference, no tape).
    public func forward(_ x: Tensor) throws -> Tensor {
        guard let hidden else { return try output(x) }
        return try output(try hidden(x).tanh())
    }

    /// Expected geometry of every slot of `cues`: `n × outputs` values, slot-major.
    public func predict(_ cues: SlotAudioCues) throws(PhoneticsError) -> [Float] {
        let n = cues.slotCount
        guard n > 0 else { return [] }
        do {
            return try forward(try Tensor(shape: [n, configuration.inputWidth], scalars: inputs(cues))).scalars
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
        if let whitening { meta["lips.whitening"] = whitening.map { String($0) }.joined(separator: ",") }
        try save(to: path, metadata: meta)
    }

    /// Reads a model file; a file that is not a lip-geometry model of this architecture is `invalidModel`.
    public static func load(path: String) throws -> LipGeometryModel {
        let file = try SafeTensors.read(path: path)
        let architecture = file.metadata["lips.architecture"]
        guard architecture == LipGeometryConfiguration.architecture || architecture == LipGeometryConfiguration.architectureV1 else {
            throw PhoneticsError.invalidModel("\(path) holds no lip-geometry model (lips.architecture \(architecture ?? "missing"))")
        }
        guard let json = file.metadata["lips.config"],
              let config = try? JSONDecoder().decode(LipGeometryConfiguration.self, from: Data(json.utf8)) else {
            throw PhoneticsError.invalidModel("\(path) has no readable lips.config")
        }
        do {
            try config.validate()
        } catch {
            throw PhoneticsError.invalidModel("\(path): \(error)")
        }
        let model = LipGeometryModel(configuration: config)
        do {
            try model.load(stateDict: file.tensors)
        } catch {
            throw PhoneticsError.invalidModel("\(path): \(error)")
        }
        model.metadata = file.metadata
        if let text = file.metadata["lips.whitening"] {
            let values = text.split(separator: ",").compactMap { Float(String($0)) }
            let g = config.outputs
            guard values.count == g * g, values.allSatisfy(\.isFinite) else {
                throw PhoneticsError.invalidModel("\(path): lips.whitening holds \(values.count) numbers, not \(g)×\(g)")
            }
            model.whitening = values
        }
        return model
    }
}
