import Corpus
import Alignment
import Foundation
import Phonetics

/// The fused aligner's weights (`FusedPosteriorEstimator`), calibrated on the validation persons and stored in the
/// lip-geometry model file (`lips.calibration` in its metadata).
public struct LipsCalibration: Codable, Sendable, Equatable {
    /// α as a multiple of 1 / T of Ali-Net's `posterior-visual` (0: Ali-Net's distances are not used).
    public var audioFactor: Double
    /// β, nats per nat of the lip-geometry cost.
    public var geometryWeight: Double
    /// γ, power of the visual-continuity weights.
    public var visualWeight: Double
    /// EM iterations of the speaker adaptation.
    public var iterations: Int
    /// σ² the adaptation starts from (standardised units).
    public var initialVariance: Double
    /// Whether `aligner` should be the fused aligner: true when it beat Ali-Net's own best retrieval on the
    /// validation persons.
    public var isDefault: Bool
    /// Mean Ali_b on the validation persons of what was compared, by name (provenance).
    public var validation: [String: Double]

    public init(audioFactor: Double = 1, geometryWeight: Double = 1, visualWeight: Double = 1, iterations: Int = 3,
                initialVariance: Double = 1, isDefault: Bool = false, validation: [String: Double] = [:]) {
        self.audioFactor = audioFactor
        self.geometryWeight = geometryWeight
        self.visualWeight = visualWeight
        self.iterations = iterations
        self.initialVariance = initialVariance
        self.isDefault = isDefault
        self.validation = validation
    }

    /// The metadata key.
    public static let metadataKey = "lips.calibration"

    /// The calibration stored in `model` (nil when it has none or it cannot be read).
    public static func stored(in model: LipGeometryModel) -> LipsCalibration? {
        guard let json = model.metadata[metadataKey] else { return nil }
        return try? JSONDecoder().decode(LipsCalibration.self, from: Data(json.utf8))
    }

    /// Stores the calibration in `model`'s metadata.
    public func store(in model: LipGeometryModel) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        model.metadata[Self.metadataKey] = String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The estimator for one clip: α from Ali-Net's calibration (nil model: no distances), the cue and the gap
    /// likelihood.
    public func estimator(aliNet: AliNetCalibration?, geometry: LipGeometryCue?, name: String) -> FusedPosteriorEstimator {
        let t = aliNet.map { $0.visualTemperature ?? $0.temperature ?? 1 } ?? 1
        return FusedPosteriorEstimator(audioWeight: aliNet == nil ? 0 : audioFactor / max(t, 1e-9), geometryWeight: geometryWeight,
                                       visualWeight: visualWeight, gapLikelihood: aliNet?.gapLikelihood ?? .fitted,
                                       geometry: geometry, iterations: iterations, name: name)
    }
}
