import Corpus
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
/// The model is the one `ModelLocator` finds: the file given, else `alinet.safetensors` in its search folders.
public enum AlignerCatalog {
    /// Aligners available without a model file.
    public static let modelFree = [EstimatorKind.uniform.rawValue, EstimatorKind.timestamps.rawValue, "visual"]
    /// Aligners that need an Ali-Net model.
    public static let withModel = ["aligner"] + AliNetRetrieval.allCases.map(\.rawValue) + LipsCatalog.names
    /// Every name.
    public static var all: [String] { withModel + modelFree }
    /// Where the shipped model lives inside a checkout.
    public static let shippedModel = "SampleData/models/alinet.safetensors"

    /// The aligner called `name`; Ali-Net aligners read the model `locator` finds.
    public static func make(_ name: String, locator: ModelLocator) throws -> any ClipAligner {
        switch name {
        case EstimatorKind.uniform.rawValue: return UniformClipAligner()
        case EstimatorKind.timestamps.rawValue: return TimestampClipAligner()
        case "visual": return VisualClipAligner()
        default: break
        }
        if let fused = try LipsCatalog.make(name, locator: locator) { return fused }
        guard name == "aligner" || AliNetRetrieval(rawValue: name) != nil else {
            throw CorpusError.invalidSetting("unknown aligner '\(name)' (available: \(all.joined(separator: ", ")))")
        }
        guard let path = locator.alignerModelPath() else {
            throw CorpusError.notFound("\(shippedModel) (the Ali-Net model for '\(name)'; give one with --aligner-model)")
        }
        let loaded = try AliNetModel.load(path: path)
        let retrieval = AliNetRetrieval(rawValue: name) ?? loaded.calibration.best ?? .dpPrior
        return AliNetClipAligner(model: loaded, retrieval: retrieval, name: name)
    }

    /// `make(name, locator:)`, except that the default `aligner` without a model file becomes `visual` (the picture
    /// change between survivors), with the note saying so: what `restore`, `align` and the inspector do by default.
    public static func makeOrFallBack(_ name: String, locator: ModelLocator) throws -> (aligner: any ClipAligner, note: String?) {
        do {
            return (try make(name, locator: locator), nil)
        } catch where name == "aligner" && locator.alignerModel == nil {
            return (VisualClipAligner(), "no Ali-Net model found (\(error)); positions are estimated by visual (the picture change between survivors)")
        }
    }
}
