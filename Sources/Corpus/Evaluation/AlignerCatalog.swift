import Alignment
import Foundation
import Media

/// The clip aligners by the names the CLI, reports and the inspector use.
///
/// - `uniform`, `timestamps`, `visual` (the picture change between survivors, `VisualClipAligner`): no model.
/// - `dp` (the paper: Ali-Net distances + Eq. 10), `dp-gap` (+ gap prior), `dp-prior` (+ gap prior and visual continuity
///   between consecutive survivors), `threshold` (Ali-Net_threshold): Ali-Net distances.
/// - `posterior`: Ali-Net distances, each frame at its posterior median slot (minimum expected Ali_b);
///   `posterior-visual`: the same with the gap likelihood of the picture change.
/// - `aligner`: the best of them on the held-out calibration persons, as recorded in the model file
///   (`AliNetCalibration.best`; `dp-prior` when the file does not say).
///
/// The model is the file given, else `SampleData/models/alinet.safetensors` found beside the executable's checkout
/// (or under the current directory).
public enum AlignerCatalog {
    /// Aligners available without a model file.
    public static let modelFree = [EstimatorKind.uniform.rawValue, EstimatorKind.timestamps.rawValue, "visual"]
    /// Aligners that need an Ali-Net model.
    public static let withModel = ["aligner"] + AliNetRetrieval.allCases.map(\.rawValue) + LipsCatalog.names
    /// Every name.
    public static var all: [String] { withModel + modelFree }
    /// Where the shipped model lives inside a checkout.
    public static let shippedModel = "SampleData/models/alinet.safetensors"

    /// The shipped model: searched upwards from the executable's folder, then from the current directory.
    public static func defaultModelPath() -> String? { locate(shippedModel) }

    /// A file of the checkout (`relative` inside it), searched upwards from the executable's folder, then from the
    /// current directory.
    public static func locate(_ relative: String) -> String? {
        let fm = FileManager.default
        var starts: [URL] = []
        if let exe = Bundle.main.executableURL { starts.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: fm.currentDirectoryPath))
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent(relative).path
                if fm.fileExists(atPath: candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }

    /// The aligner called `name`; Ali-Net aligners read `model` (default: the shipped model).
    public static func make(_ name: String, model: String? = nil) throws -> any ClipAligner {
        switch name {
        case EstimatorKind.uniform.rawValue: return UniformClipAligner()
        case EstimatorKind.timestamps.rawValue: return TimestampClipAligner()
        case "visual": return VisualClipAligner()
        default: break
        }
        if let fused = try LipsCatalog.make(name, model: model) { return fused }
        guard name == "aligner" || AliNetRetrieval(rawValue: name) != nil else {
            throw CorpusError.invalidSetting("unknown aligner '\(name)' (available: \(all.joined(separator: ", ")))")
        }
        guard let path = model ?? defaultModelPath() else {
            throw CorpusError.notFound("\(shippedModel) (the Ali-Net model for '\(name)'; give one with --model)")
        }
        let loaded = try AliNetModel.load(path: path)
        let retrieval = AliNetRetrieval(rawValue: name) ?? loaded.calibration.best ?? .dpPrior
        return AliNetClipAligner(model: loaded, retrieval: retrieval, name: name)
    }
}

/// Positions from the survivors' own timestamps (`timestamps`): only for files whose timestamps were kept.
public struct TimestampClipAligner: ClipAligner {
    public let name = EstimatorKind.timestamps.rawValue
    public init() {}

    public func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate {
        let ts = survivors.compactMap(\.timestamp)
        guard ts.count == survivors.count else { throw AlignmentError.missingInput("a surviving frame has no timestamp") }
        return try TimestampEstimator().estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount, timestamps: ts,
                                                                fps: clip.frameRate.value, startTime: 0))
    }
}
