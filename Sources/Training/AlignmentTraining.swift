import Pipeline
import Corpus
import Alignment
import Foundation
import Media
import Metrics
import Tensor

/// How `dropfill train-align` trains Ali-Net.
public struct AlignmentTrainingSettings: Sendable, Codable, Equatable {
    public var configuration: AliNetConfiguration
    /// How frames are cut before the mouth crop is taken (the paper: 256² face crops).
    public var preparation: ClipPreparation
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var weightDecay: Float
    /// Triplet margin r (Eq. 6; the paper: 1.0).
    public var margin: Float
    /// Hard negatives come from 1 … this many slots away.
    public var hardNegativeRange: Int
    /// Drop rate and seeds of the validation Ali_b.
    public var validationRate: Double
    public var validationSeeds: Int
    public var seed: UInt64

    public init(configuration: AliNetConfiguration = AliNetConfiguration(), preparation: ClipPreparation = ClipPreparation(),
                epochs: Int = 30, batchSize: Int = 64, learningRate: Float = 5e-4, weightDecay: Float = 1e-4,
                margin: Float = 1, hardNegativeRange: Int = 5, validationRate: Double = 0.87, validationSeeds: Int = 5,
                seed: UInt64 = 1) {
        self.configuration = configuration
        self.preparation = preparation
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.margin = margin
        self.hardNegativeRange = hardNegativeRange
        self.validationRate = validationRate
        self.validationSeeds = validationSeeds
        self.seed = seed
    }
}

/// Ali-Net training on clips: data preparation (once per clip, kept in memory), epochs of minibatch triplet
/// steps, validation Ali_b, checkpoints, and the calibration of the retrieval stage.
public enum AlignmentTraining {
    // MARK: - Evaluation on prepared clips

    /// Ali_b summary over clips × seeds: mean and median Ali_b, share of frames placed exactly.
    public struct BiasSummary: Sendable, Codable, Equatable {
        public var mean: Double
        public var median: Double
        public var exactShare: Double
        public var runs: Int
        /// Each run's Ali_b, clips in the given order and seeds within a clip (so two summaries of the same clips and
        /// seeds pair run by run); not stored.
        public var totals: [Double] = []

        enum CodingKeys: String, CodingKey { case mean, median, exactShare, runs }
    }

    /// Drops frames from each prepared clip (Bernoulli at `rate`, seeds 0 ..< `seeds`) and scores the positions
    /// `place(clip, survivors)` returns.
    public static func bias(clips: [AliNetTrainingClip], rate: Double, seeds: Int,
                            place: (AliNetTrainingClip, [Int]) throws -> [Int]) throws -> BiasSummary {
        var totals: [Double] = [], exact = 0, frames = 0
        for clip in clips {
            for seed in 0..<UInt64(max(1, seeds)) {
                let mask = try DropSimulation.keepMask(frameCount: clip.count, settings: DropSettings(rate: rate, seed: seed))
                let truth = DropSimulation.survivingPositions(mask)
                guard !truth.isEmpty else { continue }
                let predicted = try place(clip, truth)
                var t = 0
                for (p, s) in zip(predicted, truth) { t += abs(p - s); if p == s { exact += 1 } }
                totals.append(Double(t))
                frames += truth.count
            }
        }
        guard !totals.isEmpty else { return BiasSummary(mean: 0, median: 0, exactShare: 0, runs: 0) }
        // Ali_b totals are whole numbers, so the mean is the same in any summation order.
        let summary = SummaryStatistics(totals)
        return BiasSummary(mean: summary.mean, median: summary.median,
                           exactShare: Double(exact) / Double(max(frames, 1)), runs: totals.count, totals: totals)
    }

    /// The survivors' mouth crops of a prepared clip.
    static func survivorMouths(_ clip: AliNetTrainingClip, _ truth: [Int], size: Int) -> [Float] {
        var m: [Float] = []
        m.reserveCapacity(truth.count * size)
        for i in truth { m += clip.mouths[(i * size)..<((i + 1) * size)] }
        return m
    }

    /// The survivors' thumbnail changes (`VisualChange.thumbnailChange`) of a prepared clip; nil without thumbnails.
    static func survivorChange(_ clip: AliNetTrainingClip, _ truth: [Int]) throws -> [Float]? {
        guard clip.thumbnails.count == clip.count else { return nil }
        return try VisualChange.thumbnailChange(thumbnails: truth.map { clip.thumbnails[$0] })
    }

    /// Ali_b of `model` with `retrieval` on prepared clips.
    public static func bias(model: AliNetModel, retrieval: AliNetRetrieval, clips: [AliNetTrainingClip], rate: Double,
                            seeds: Int) throws -> BiasSummary {
        let size = model.configuration.mouthSize
        return try bias(clips: clips, rate: rate, seeds: seeds) { clip, truth in
            try model.align(mouths: survivorMouths(clip, truth, size: size), frameCount: truth.count,
                            segments: clip.segments, slotCount: clip.count, retrieval: retrieval,
                            faceChange: survivorChange(clip, truth)).positions
        }
    }

    /// Ali_b of the `uniform` baseline on prepared clips.
    public static func uniformBias(clips: [AliNetTrainingClip], rate: Double, seeds: Int) throws -> BiasSummary {
        try bias(clips: clips, rate: rate, seeds: seeds) { clip, truth in
            try UniformEstimator.positions(frames: truth.count, slots: clip.count)
        }
    }
}
