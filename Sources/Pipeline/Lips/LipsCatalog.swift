import Alignment
import Corpus
import Foundation
import Phonetics

/// The fused aligners by name, and `aligner` when the calibration chose the fused one (`AlignerCatalog` asks here
/// first).
public enum LipsCatalog {
    /// The fused aligners' names.
    public static let names = ["posterior-lips", "lips-visual"]

    /// The aligner called `name` when it is a fused one, or `aligner` and the shipped lip-geometry model's
    /// calibration made the fused aligner the default; nil otherwise (the caller goes on with Ali-Net's).
    /// The Ali-Net and lip-geometry model files are the ones `locator` finds. A missing lip-geometry model, Ali-Net model or
    /// landmark detector leaves the fused aligner with the terms it has; it says which in one line when aligning.
    public static func make(_ name: String, locator: ModelLocator) throws -> (any ClipAligner)? {
        guard names.contains(name) || name == "aligner" else { return nil }
        let lipsPath = locator.lipsModelPath()
        var lips: LipGeometryModel?
        if let lipsPath {
            do {
                lips = try LipGeometryModel.load(path: lipsPath)
            } catch {
                Notice.once("\(name): \(lipsPath) is not a lip-geometry model (\(error)); the lip-geometry term is off")
            }
        }
        let calibration = lips.flatMap(LipsCalibration.stored(in:))
        if name == "aligner" && calibration?.isDefault != true { return nil }
        let aliNetPath = locator.alignerModelPath()
        let aliNet = try aliNetPath.map { try AliNetModel.load(path: $0) }
        return LipsClipAligner(name: name, lips: lips, aliNet: aliNet, geometry: .dlib(), calibration: calibration,
                               recognizer: locator.phoneRecognizer())
    }
}
