import Foundation
import Tensor

/// Settings of the retrieval stage fitted on training clips after the encoders are trained: they live in the
/// model file because they depend on the scale of its distances.
public struct AliNetCalibration: Codable, Sendable, Equatable {
    /// λ of `dp-prior`'s gap prior (distance units per nat).
    public var lambda: Double
    /// Visual continuity of `dp-prior` (nil: not fitted; `dp-prior` then equals `dp-gap`).
    public var continuity: VisualContinuity?
    /// β of the threshold baseline (distance units).
    public var thresholdBeta: Float
    /// T of the posterior-median retrieval (distance units; nil: not fitted, 1 is used).
    public var temperature: Double?
    /// The retrieval `aligner` uses: the best on the held-out calibration clips (nil: `dp-prior`).
    public var best: AliNetRetrieval?
    /// Gap likelihood of `posterior-visual` (nil: `GapLikelihood.fitted`).
    public var gapLikelihood: GapLikelihood?
    /// T of `posterior-visual` (nil: `temperature`); a very large T leaves only the visual cue.
    public var visualTemperature: Double?
    /// Standardise every column of D over the frames (see `AliNetModel.distances`); nil = no.
    public var normaliseColumns: Bool?

    public init(lambda: Double = 0.1, continuity: VisualContinuity? = nil, thresholdBeta: Float = 1,
                temperature: Double? = nil, best: AliNetRetrieval? = nil, normaliseColumns: Bool? = nil) {
        self.normaliseColumns = normaliseColumns
        self.lambda = lambda
        self.continuity = continuity
        self.thresholdBeta = thresholdBeta
        self.temperature = temperature
        self.best = best
    }

    private enum CodingKeys: String, CodingKey {
        case lambda, continuity, thresholdBeta, temperature, best, gapLikelihood, visualTemperature, normaliseColumns
    }

    /// Reads calibrations of older files too: a field of an older form (the linear continuity line of the first
    /// shipped model, a retrieval name that no longer exists) is read as not fitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lambda = try c.decode(Double.self, forKey: .lambda)
        thresholdBeta = try c.decode(Float.self, forKey: .thresholdBeta)
        continuity = try? c.decodeIfPresent(VisualContinuity.self, forKey: .continuity)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        best = try? c.decodeIfPresent(AliNetRetrieval.self, forKey: .best)
        gapLikelihood = try? c.decodeIfPresent(GapLikelihood.self, forKey: .gapLikelihood)
        visualTemperature = try c.decodeIfPresent(Double.self, forKey: .visualTemperature)
        normaliseColumns = try c.decodeIfPresent(Bool.self, forKey: .normaliseColumns)
    }
}

/// A trained Ali-Net with its calibration: what a model file holds.
///
/// File format: safetensors; tensors by parameter name ("video.conv1.weight", …, batch-norm running statistics
/// included); `__metadata__` holds "alinet.architecture", "alinet.config" (JSON of `AliNetConfiguration`),
/// "alinet.calibration" (JSON) and free-form provenance (training data, epochs, command line, commit, time).
public final class AliNetModel: @unchecked Sendable {
    public let network: AliNet
    public var calibration: AliNetCalibration
    /// Provenance and anything else read from or written to `__metadata__`.
    public var metadata: [String: String]

    public init(network: AliNet, calibration: AliNetCalibration = AliNetCalibration(), metadata: [String: String] = [:]) {
        self.network = network
        self.calibration = calibration
        self.metadata = metadata
    }

    public var configuration: AliNetConfiguration { network.configuration }

    // MARK: File I/O

    /// Writes the model (atomically); a `reclaimable` file may be rewritten by the same command (the best model of
    /// a training run).
    public func save(to path: String, reclaimable: Bool = false) throws {
        var meta = metadata
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        meta["alinet.architecture"] = configuration.architecture
        meta["alinet.config"] = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        meta["alinet.calibration"] = String(decoding: try encoder.encode(calibration), as: UTF8.self)
        meta["alinet.parameters"] = String(network.parameterCount)
        try network.save(to: path, metadata: meta, reclaimable: reclaimable)
    }

    /// Reads a model file. A file that is not an Ali-Net of this build's architecture, or whose tensors do not
    /// match its configuration, throws `AlignmentError.incompatibleModel`; unreadable files throw `TensorError`.
    public static func load(path: String, expecting expected: AliNetConfiguration? = nil) throws -> AliNetModel {
        let file = try SafeTensors.read(path: path)
        return try load(file: file, source: path, expecting: expected)
    }

    /// Builds the model from a decoded file (see `load(path:)`).
    public static func load(file: SafeTensorsFile, source: String, expecting expected: AliNetConfiguration? = nil) throws -> AliNetModel {
        guard let arch = file.metadata["alinet.architecture"] else {
            throw AlignmentError.incompatibleModel("\(source) is not an Ali-Net model (no alinet.architecture in its metadata)")
        }
        guard arch == AliNetConfiguration.currentArchitecture else {
            throw AlignmentError.incompatibleModel("\(source) holds architecture '\(arch)', this build reads '\(AliNetConfiguration.currentArchitecture)'")
        }
        guard let json = file.metadata["alinet.config"],
              let config = try? JSONDecoder().decode(AliNetConfiguration.self, from: Data(json.utf8)) else {
            throw AlignmentError.incompatibleModel("\(source) has no readable alinet.config")
        }
        if let expected, expected != config {
            throw AlignmentError.incompatibleModel("\(source) was trained with another configuration than the one asked for")
        }
        let network = try AliNet(configuration: config)
        do {
            try network.load(stateDict: file.tensors)
        } catch let error as TensorError {
            throw AlignmentError.incompatibleModel("\(source): \(error)")
        }
        var calibration = AliNetCalibration()
        if let c = file.metadata["alinet.calibration"] {
            guard let decoded = try? JSONDecoder().decode(AliNetCalibration.self, from: Data(c.utf8)) else {
                throw AlignmentError.incompatibleModel("\(source) has an unreadable alinet.calibration")
            }
            calibration = decoded
        }
        return AliNetModel(network: network, calibration: calibration, metadata: file.metadata)
    }

    // MARK: Distances

    /// D (Eq. 8) between k surviving frames' mouth crops (standardised, from `AliNetInputs.mouth`; the mean crop
    /// of these k is subtracted here) and all n slot segments (from `AliNetInputs.segments`), over `band` (default
    /// `SlotBand.prior`: every cell for short clips, O(k·w) cells for long ones).
    ///
    /// With `calibration.normaliseColumns` (ours), every column j is standardised over all k frames (for a band, with
    /// the column's mean and deviation summed over every cell, stored or not), D'_ij = (D_ij − mean_i D_ij) / sd_i D_ij: a slot whose audio embedding lies close to
    /// every frame (a "hub", typically silence near the centre of the space) no longer attracts them all.
    public func distances(mouths: [Float], frameCount k: Int, segments: [Float], slotCount n: Int,
                          band given: SlotBand? = nil) throws -> DistanceMatrix {
        let c = configuration
        guard mouths.count == k * c.mouthSize else { throw AlignmentError.shapeMismatch("\(mouths.count) mouth values for \(k) crops") }
        guard segments.count == n * c.segmentSize else { throw AlignmentError.shapeMismatch("\(segments.count) segment values for \(n) slots") }
        let band = given ?? SlotBand.prior(frames: k, slots: n)
        // The mean crop is subtracted batch by batch, not into a second copy of the k crops.
        let a = try network.embedMouths(mouths, count: k, subtracting: AliNetInputs.meanCrop(mouths, count: k, size: c.mouthSize))
        let b = try network.embedSegments(segments, count: n)
        var v = try DistanceMatrix.euclideanValues(a, rows: k, b, rows: n, dimension: c.embedding, band: band)
        guard calibration.normaliseColumns == true, k >= 2 else { return try DistanceMatrix(band: band, values: v) }
        // Standardised in place: one table of D at a time.
        if !band.isFull {
            // The column statistics stay those of all k frames (what the calibration saw), summed cell by cell.
            let (mean, sd) = try DistanceMatrix.columnMoments(a, rows: k, b, rows: n, dimension: c.embedding)
            for i in 0..<k {
                for j in band.range(i) {
                    let inv: Float = sd[j] > 1e-6 ? 1 / sd[j] : 0
                    v[band.index(i, j)] = (v[band.index(i, j)] - mean[j]) * inv
                }
            }
            return try DistanceMatrix(band: band, values: v)
        }
        for j in 0..<n {
            var mean: Float = 0
            for i in 0..<k { mean += v[i * n + j] }
            mean /= Float(k)
            var ss: Float = 0
            for i in 0..<k { ss += (v[i * n + j] - mean) * (v[i * n + j] - mean) }
            let sd = (ss / Float(k)).squareRoot()
            let inv: Float = sd > 1e-6 ? 1 / sd : 0
            for i in 0..<k { v[i * n + j] = (v[i * n + j] - mean) * inv }
        }
        return try DistanceMatrix(band: band, values: v)
    }

    /// The estimator called `kind` with this model's calibration (`dp-prior` and `posterior-visual` use the visual
    /// cue when the input carries one).
    public func estimator(_ kind: AliNetRetrieval) -> any PositionEstimator {
        switch kind {
        case .dp: DynamicPositionRetrieval()
        case .dpGap: PriorDPEstimator(settings: PriorDPSettings(lambda: calibration.lambda))
        case .dpPrior:
            PriorDPEstimator(settings: PriorDPSettings(lambda: calibration.lambda, continuity: calibration.continuity))
        case .threshold: ThresholdEstimator(beta: calibration.thresholdBeta)
        case .posterior: PosteriorMedianEstimator(temperature: calibration.temperature ?? 1, pinEnds: true)
        case .posteriorVisual:
            PosteriorMedianEstimator(temperature: calibration.visualTemperature ?? calibration.temperature ?? 1,
                                     gapLikelihood: calibration.gapLikelihood ?? .fitted, pinEnds: true)
        }
    }

    /// Places k frames among n slots: distances, then the retrieval `kind`. `dp-prior` and `posterior-visual` read
    /// the survivors' `faceChange` (`VisualChange.thumbnailChange`) and throw `missingInput` without it.
    public func align(mouths: [Float], frameCount k: Int, segments: [Float], slotCount n: Int,
                      retrieval kind: AliNetRetrieval, faceChange: [Float]? = nil) throws -> PositionEstimate {
        guard k <= n else { throw AlignmentError.moreFramesThanSlots(frames: k, slots: n) }
        let d = try distances(mouths: mouths, frameCount: k, segments: segments, slotCount: n)
        let cue: [Float]?
        if kind.usesVisualChange {
            guard let faceChange else { throw AlignmentError.missingInput("\(kind.rawValue) needs the survivors' thumbnail changes") }
            cue = faceChange
        } else {
            cue = nil
        }
        var estimate = try estimator(kind).estimate(AlignmentInput(distances: d, visualChange: cue))
        estimate.estimator = kind.rawValue
        return estimate
    }
}

/// The retrieval stages Ali-Net's distances can feed.
public enum AliNetRetrieval: String, Sendable, CaseIterable, Codable {
    /// The paper's DP (Eq. 10).
    case dp
    /// DP with the gap prior alone (an ablation: under independent drops it equals `dp`).
    case dpGap = "dp-gap"
    /// DP with both transition costs: the gap prior and visual continuity between consecutive survivors.
    case dpPrior = "dp-prior"
    /// Ali-Net_threshold.
    case threshold
    /// Posterior median of every frame (minimum expected Ali_b), see `PosteriorMedianEstimator`.
    case posterior
    /// Posterior median with the gap likelihood of the picture change between consecutive survivors
    /// (`GapLikelihood`).
    case posteriorVisual = "posterior-visual"

    /// Whether the retrieval reads the survivors' thumbnail changes.
    public var usesVisualChange: Bool { self == .dpPrior || self == .posteriorVisual }

    /// Reads the name; the first shipped model's "dp-prior-visual" is today's `dp-prior`.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = AliNetRetrieval(rawValue: name == "dp-prior-visual" ? "dp-prior" : name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown retrieval \(name)"))
        }
        self = kind
    }
}
