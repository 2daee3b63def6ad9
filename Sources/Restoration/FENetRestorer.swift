import Features
import Foundation
import Tensor

// MARK: - Model files

extension FENet {
    /// Metadata key holding the configuration JSON.
    public static let configKey = "fenet.config"
    /// Metadata key saying what the file is ("fenet-generator").
    public static let kindKey = "fenet.kind"

    /// Loads a generator from a safetensors model file; throws `.invalidModel` when the file is missing, is not an
    /// FE-Net model, or its tensors do not match the configuration it states. A model whose trunk is RIFE (FE-Net v2)
    /// also loads `rifePath`, RIFE's converted weights; without it, or when that file is missing, the error names the
    /// set-up step.
    public static func load(path: String, rifePath: String? = nil) throws(RestorationError) -> (net: FENet, metadata: [String: String]) {
        let file: SafeTensorsFile
        do { file = try SafeTensors.read(path: path) } catch {
            throw .invalidModel(path: path, reason: (error as? TensorError)?.reason ?? "\(error)")
        }
        let config = try config(of: file, path: path)
        var trunk: IFNet?
        if config.usesRIFETrunk {
            guard let rifePath else {
                throw .invalidModel(path: "rife.safetensors", reason: "\(path) is FE-Net v2, whose flow trunk is RIFE HDv3, and no RIFE weights were given; \(IFNet.setupHint)")
            }
            trunk = try IFNet.load(path: rifePath)
        }
        return try load(file: file, path: path, trunk: trunk)
    }

    /// The configuration a model file states; `.invalidModel` when it is not an FE-Net generator.
    static func config(of file: SafeTensorsFile, path: String) throws(RestorationError) -> FENetConfig {
        guard file.metadata[kindKey] == "fenet-generator", let json = file.metadata[configKey],
              let config = try? JSONDecoder().decode(FENetConfig.self, from: Data(json.utf8)) else {
            throw .invalidModel(path: path, reason: "not an FE-Net generator (no \(configKey) in __metadata__)")
        }
        return config
    }

    /// Builds a generator from a decoded model file (`path` names it in errors); the configuration in its metadata
    /// is validated, parameter bound included, before any weight is allocated. `trunk` is RIFE's IFNet for a model
    /// whose trunk is RIFE (ignored otherwise).
    public static func load(file: SafeTensorsFile, path: String, trunk: IFNet? = nil) throws(RestorationError) -> (net: FENet, metadata: [String: String]) {
        let config = try config(of: file, path: path)
        let net: FENet
        do { net = try FENet(config: config, trunk: trunk) } catch {
            if case let .invalidModel(p, reason) = error { throw .invalidModel(path: p.hasSuffix("rife.safetensors") ? p : path, reason: reason) }
            throw error
        }
        do { try net.load(stateDict: file.tensors) } catch {
            throw .invalidModel(path: path, reason: "tensors do not match the stated architecture: \(error)")
        }
        return (net, file.metadata)
    }

    /// Writes the generator with its configuration, cost and `metadata` (training command, data, steps).
    public func save(path: String, metadata: [String: String]) throws {
        var meta = metadata
        meta[Self.kindKey] = "fenet-generator"
        meta[Self.configKey] = config.json
        meta["fenet.parameters"] = String(parameterCount)
        meta["fenet.gflop_per_frame_256_gap7"] = String(format: "%.4f", gigaflopsPerFrame(size: 256))
        meta["fenet.gflop_per_frame_128_gap7"] = String(format: "%.4f", gigaflopsPerFrame(size: 128))
        let trunkText = config.usesRIFETrunk
            ? "RIFE HDv3 IFNet (frozen, not in this file: rife.safetensors from scripts/setup.sh) at t = 0 and t = 1 on the frames at 1/\(config.rifeInputDivisor) resolution, once per gap"
            : "flow_net U-Net \(config.flowWidths) 6→4 once per gap"
        meta["fenet.architecture"] = """
            audio_net MLP \(config.audioInput)→\(config.audioHidden)→\(config.audioChannels) (tanh); \(trunkText); refine_net U-Net \(config.refineWidths) \(config.refineInput)→4 residuals \
            on Super-SloMo flows; inter_net U-Net \(config.interWidths) \(config.interInput)→5 (flow residuals, W); \
            nets at 1/\(config.scale) resolution, warps and blend (Eqs. 12–14) at full resolution\(config.guidance == .lips ? "; lip guidance: \(FENetGuidance.channels) maps (mouth mask m, m·Δĝ of the audio-predicted lip geometry) into refine_net and inter_net" : "")
            """
        try SafeTensors.write(tensors: stateDict, metadata: meta, to: path)
    }
}

// MARK: - Audio segments

/// Audio segments prepared for FE-Net: every column standardised over the clip (zero mean, unit variance), so the
/// network sees relative loudness and spectral shape, not the recording level.
public struct FENetAudio: Sendable {
    /// Rows (slots) × columns, standardised.
    public let rows: Int
    public let columns: Int
    public let values: [Float]

    /// Standardises `features` column by column.
    public init(_ features: FeatureMatrix) {
        rows = features.rows
        columns = features.columns
        var out = features.values
        guard rows > 0 else { values = out; return }
        for c in 0..<columns {
            var s = 0.0, s2 = 0.0
            for r in 0..<rows { let x = Double(out[r * columns + c]); s += x; s2 += x * x }
            let mean = s / Double(rows), sd = max((s2 / Double(rows) - mean * mean).squareRoot(), 1e-3)
            for r in 0..<rows { out[r * columns + c] = Float((Double(out[r * columns + c]) - mean) / sd) }
        }
        values = out
    }

    /// The segment of `slot` (clamped into the rows).
    public func row(_ slot: Int) -> ArraySlice<Float> {
        let r = min(max(slot, 0), rows - 1)
        return values[(r * columns)..<((r + 1) * columns)]
    }
}

// MARK: - Restorer

/// FE-Net as a `FrameRestorer`: the flow between the gap's neighbours is computed once, then each missing slot is
/// synthesized from it, the slot's position v = (t − l)/(r − l) and the audio of slots l, t, r.
///
/// Without audio (no `slotFeatures`, or `useAudio` false) the audio maps are zero and the audio-present flag is 0. A
/// guided generator (`fenet-lips`) also takes the context's lip track (Δĝ, none when `useAudio` is false) and the
/// neighbours' mouth spots from its `mouthLocator` (`MouthSpot.prior` without one).
/// Inference never mutates the network, so one restorer may be shared across threads.
public struct FENetRestorer: FrameRestorer, @unchecked Sendable {
    public let name: String
    public let net: FENet
    /// Whether the audio segments of the context are used.
    public let useAudio: Bool

    public init(name: String = "fenet", net: FENet, useAudio: Bool = true) {
        self.name = name
        self.net = net
        self.useAudio = useAudio
    }

    /// Loads the model at `path` (and, for FE-Net v2, RIFE's weights at `rifePath`; see `FENet.load`).
    public init(name: String = "fenet", modelPath: String, rifePath: String? = nil, useAudio: Bool = true) throws(RestorationError) {
        self.init(name: name, net: try FENet.load(path: modelPath, rifePath: rifePath).net, useAudio: useAudio)
    }

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        guard left.width >= 8, left.height >= 8 else {
            throw RestorationError.frameSizeMismatch("\(left.sizeDescription) is too small for FE-Net (at least 8×8)")
        }
        let audio: FENetAudio? = useAudio ? context.standardisedAudio : nil
        if let audio, audio.columns != net.config.audioInput {
            throw RestorationError.audioMismatch("\(audio.columns) values per segment, the model takes \(net.config.audioInput)")
        }
        let shape = [1, 3, left.height, left.width]
        let l = Detached.variable(try Tensor(shape: shape, scalars: left.planes))
        let r = Detached.variable(try Tensor(shape: shape, scalars: right.planes))
        let state = try net.gap(left: l, right: r, constant: Detached.variable)
        let columns = net.config.audioInput
        func segment(_ slot: Int) throws -> Tensor {
            guard let audio, audio.rows > 0 else { return Tensor(zeros: [1, columns]) }
            return try Tensor(shape: [1, columns], scalars: Array(audio.row(slot)))
        }
        let present: Float = (audio?.rows ?? 0) > 0 ? 1 : 0
        let al = try segment(left.slot), ar = try segment(right.slot)
        let span = Float(right.slot - left.slot)
        // The lip guidance: the neighbours' mouths found once per gap, the audio's lip track (none without audio).
        let guided = net.config.guidance != nil
        let leftSpot = guided ? context.mouthLocator?(left) : nil, rightSpot = guided ? context.mouthLocator?(right) : nil
        let track = useAudio ? context.lipTrack : nil
        return try slots.map { t in
            let v = Float(t - left.slot) / span
            let guidance = guided
                ? try Tensor(shape: [1, FENetGuidance.rowWidth],
                             scalars: FENetGuidance.row(track: track, left: left.slot, target: t, right: right.slot,
                                                        leftSpot: leftSpot, rightSpot: rightSpot))
                : nil
            let out = try net.synthesize(state, v: [v], audioL: al, audioT: try segment(t), audioR: ar, present: [present],
                                         guidance: guidance, constant: Detached.variable)
            let planes = out.frame.value.scalars.map { min(max($0, 0), 1) }
            return try SlotFrame(slot: t, width: left.width, height: left.height, planes: planes)
        }
    }
}
