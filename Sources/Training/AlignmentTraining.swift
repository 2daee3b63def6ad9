import Pipeline
import Corpus
import Alignment
import Foundation
import Media
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
    // MARK: - Data

    /// The training material of one decoded clip (frame i = slot i; clips without audio are refused).
    public static func trainingClip(_ prepared: PreparedClip, configuration: AliNetConfiguration,
                                    seed: UInt64 = 0) throws -> AliNetTrainingClip {
        let n = prepared.frames.count
        let segments = try prepared.slotAudio().aliNetSegments(configuration)
        let features = try SurvivorFeatureExtractor(thumbnails: true, mouth: configuration).features(of: prepared.frames)
        return try AliNetTrainingClip(name: prepared.clip.relativePath, mouths: features.mouths ?? [], segments: segments, count: n,
                                      configuration: configuration, thumbnails: features.thumbnails ?? [], seed: seed)
    }

    /// Decodes and prepares every clip (face crop, mouth crops, slot segments).
    public static func prepare(_ clips: [Clip], settings: AlignmentTrainingSettings,
                               progress: (String) -> Void = { _ in }) throws -> [AliNetTrainingClip] {
        var out: [AliNetTrainingClip] = []
        for (i, clip) in clips.enumerated() {
            progress("preparing \(i + 1)/\(clips.count) \(clip.relativePath)")
            let prepared = try PreparedClip.load(clip, preparation: settings.preparation)
            out.append(try trainingClip(prepared, configuration: settings.configuration, seed: settings.seed &+ UInt64(i)))
        }
        return out
    }

    // MARK: - Evaluation on prepared clips

    /// Ali_b summary over clips × seeds: mean and median Ali_b, share of frames placed exactly.
    public struct BiasSummary: Sendable, Codable, Equatable {
        public var mean: Double
        public var median: Double
        public var exactShare: Double
        public var runs: Int
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
        let sorted = totals.sorted()
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return BiasSummary(mean: totals.reduce(0, +) / Double(totals.count), median: median,
                           exactShare: Double(exact) / Double(max(frames, 1)), runs: totals.count)
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

    /// The gap likelihood (`GapLikelihood.fit`) of the survivors' thumbnail changes against their true gaps, over
    /// `seeds` Bernoulli drop patterns at `rate` of every clip (seeds 1000 …, not the scoring seeds); nil when the
    /// clips carry no thumbnails.
    public static func fitGapLikelihood(clips: [AliNetTrainingClip], rate: Double, seeds: Int) throws -> GapLikelihood? {
        var changes: [[Float]] = [], gaps: [[Int]] = []
        for clip in clips {
            for seed in 0..<UInt64(max(1, seeds)) {
                let mask = try DropSimulation.keepMask(frameCount: clip.count, settings: DropSettings(rate: rate, seed: 1000 + seed))
                let truth = DropSimulation.survivingPositions(mask)
                guard truth.count >= 3, let c = try survivorChange(clip, truth) else { continue }
                changes.append(c)
                gaps.append(zip(truth.dropFirst(), truth).map { $0 - $1 })
            }
        }
        guard !changes.isEmpty else { return nil }
        return try GapLikelihood.fit(changes: changes, gaps: gaps)
    }

    /// Ali_b of the `uniform` baseline on prepared clips.
    public static func uniformBias(clips: [AliNetTrainingClip], rate: Double, seeds: Int) throws -> BiasSummary {
        try bias(clips: clips, rate: rate, seeds: seeds) { clip, truth in
            try UniformEstimator.positions(frames: truth.count, slots: clip.count)
        }
    }

    // MARK: - Calibration

    /// Fits the retrieval stage's settings: the gap likelihood of the picture change (`GapLikelihood.fit` on
    /// `fitClips` drop patterns), the continuity weight μ of `dp-prior`, the temperatures of the posteriors and the
    /// threshold β, each chosen by the lowest mean Ali_b on
    /// `scoreClips`. λ stays at its default (under Bernoulli drops the geometric prior is constant, see
    /// `GapPrior.geometric`).
    /// Everything is fitted twice, with and without column normalisation of D, and the better is kept.
    public static func calibrate(model: AliNetModel, fitClips: [AliNetTrainingClip], scoreClips: [AliNetTrainingClip],
                                 rate: Double, seeds: Int, progress: (String) -> Void = { _ in }) throws -> AliNetCalibration {
        var results: [(AliNetCalibration, Double)] = []
        for normalise in [false, true] {
            model.calibration.normaliseColumns = normalise
            progress("calibrating with column normalisation \(normalise ? "on" : "off")")
            results.append(try calibrateOnce(model: model, fitClips: fitClips, scoreClips: scoreClips, rate: rate, seeds: seeds,
                                             progress: progress))
        }
        let best = results.min { $0.1 < $1.1 } ?? results[0]
        model.calibration = best.0
        return best.0
    }

    static func calibrateOnce(model: AliNetModel, fitClips: [AliNetTrainingClip], scoreClips: [AliNetTrainingClip],
                              rate: Double, seeds: Int, progress: (String) -> Void) throws -> (AliNetCalibration, Double) {
        let size = model.configuration.mouthSize
        var allDistances: [Float] = []
        for clip in scoreClips {
            let mask = try DropSimulation.keepMask(frameCount: clip.count, settings: DropSettings(rate: rate, seed: 77))
            let truth = DropSimulation.survivingPositions(mask)
            guard !truth.isEmpty else { continue }
            let d = try model.distances(mouths: survivorMouths(clip, truth, size: size), frameCount: truth.count,
                                        segments: clip.segments, slotCount: clip.count)
            allDistances += d.values
        }
        var calibration = model.calibration
        // Threshold β: the best of a few quantiles of the distances.
        let sorted = allDistances.sorted()
        if !sorted.isEmpty {
            var best = (beta: calibration.thresholdBeta, bias: Double.infinity)
            for q in [0.005, 0.01, 0.02, 0.05, 0.1, 0.2] {
                calibration.thresholdBeta = sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .threshold, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate threshold β=%.4f (q %.3f): Ali_b %.2f", calibration.thresholdBeta, q, b))
                if b < best.bias { best = (calibration.thresholdBeta, b) }
            }
            calibration.thresholdBeta = best.beta
        }
        // The gap likelihood of the picture change (fitted on the fit clips' true gaps), shared by `dp-prior` and
        // `posterior-visual`; then μ of `dp-prior` (distance units per nat).
        let gap = try fitGapLikelihood(clips: fitClips, rate: rate, seeds: seeds)
        if let gap, !sorted.isEmpty {
            calibration.gapLikelihood = gap
            progress(String(format: "gap likelihood: log change ≈ a + %.3f·log gap, σ = %.3f", gap.slope, gap.sigma))
            var best = (weight: 0.0, bias: Double.infinity)
            let scale = max(1e-6, Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10]))
            for w in [0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0] {
                calibration.continuity = VisualContinuity(gap: gap, weight: w * scale)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .dpPrior, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate dp-prior continuity μ=%.4f: Ali_b %.2f", w * scale, b))
                if b < best.bias { best = (w * scale, b) }
            }
            calibration.continuity = VisualContinuity(gap: gap, weight: best.weight)
        }
        // Posterior-median temperature T, relative to the spread of the distances.
        if !sorted.isEmpty {
            let spread = Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10])
            var best = (t: 1.0, bias: Double.infinity)
            for f in [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0] {
                calibration.temperature = max(1e-6, f * spread)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .posterior, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate posterior T=%.4f: Ali_b %.2f", f * spread, b))
                if b < best.bias { best = (max(1e-6, f * spread), b) }
            }
            calibration.temperature = best.t
        }
        // The temperature of `posterior-visual`: how far Ali-Net's distances are trusted next to the gap likelihood
        // (the largest T all but ignores them).
        if gap != nil, !sorted.isEmpty {
            let spread = Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10])
            var best = (t: 1.0, bias: Double.infinity)
            for f in [0.1, 0.3, 1.0, 3.0, 10.0, 1e4] {
                calibration.visualTemperature = max(1e-6, f * spread)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .posteriorVisual, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate posterior-visual T=%.4f: Ali_b %.2f", f * spread, b))
                if b < best.bias { best = (max(1e-6, f * spread), b) }
            }
            calibration.visualTemperature = best.t
        }
        // The retrieval `aligner` uses: the best on the scoring clips.
        model.calibration = calibration
        var choice = (kind: AliNetRetrieval.dpPrior, bias: Double.infinity)
        for kind in [AliNetRetrieval.posterior, .posteriorVisual, .dpPrior, .dpGap, .dp] where gap != nil || !kind.usesVisualChange {
            let b = try bias(model: model, retrieval: kind, clips: scoreClips, rate: rate, seeds: seeds).mean
            if b < choice.bias { choice = (kind, b) }
        }
        calibration.best = choice.kind
        progress(String(format: "best: %@ (Ali_b %.2f)", choice.kind.rawValue, choice.bias))
        model.calibration = calibration
        return (calibration, choice.bias)
    }
}

// MARK: - Training run

/// One training run: epochs of minibatch steps with validation, checkpoints (every epoch, resumable) and the best
/// model (by validation Ali_b) written to the output file as soon as it improves.
public final class AlignmentTrainingRun {
    public let settings: AlignmentTrainingSettings
    public let model: AliNetModel
    public let trainer: AliNetTrainer
    public let train: [AliNetTrainingClip]
    public let validation: [AliNetTrainingClip]
    public let outputPath: String
    public var checkpointPath: String { outputPath + ".checkpoint" }
    /// Provenance written into every file.
    public var metadata: [String: String]

    public init(settings: AlignmentTrainingSettings, train: [AliNetTrainingClip], validation: [AliNetTrainingClip],
                outputPath: String, metadata: [String: String] = [:]) throws {
        self.settings = settings
        let network = try AliNet(configuration: settings.configuration, seed: settings.seed)
        model = AliNetModel(network: network)
        trainer = AliNetTrainer(network: network, learningRate: settings.learningRate, weightDecay: settings.weightDecay,
                                margin: settings.margin, hardNegativeRange: settings.hardNegativeRange, seed: settings.seed)
        self.train = train
        self.validation = validation
        self.outputPath = outputPath
        self.metadata = metadata
    }

    /// The progress of one epoch.
    public struct EpochReport: Sendable {
        public var epoch: Int
        public var loss: Float
        public var accuracy: Float
        public var validation: AlignmentTraining.BiasSummary?
        public var seconds: Double
    }

    /// Runs the remaining epochs (from the checkpoint when `resume`), stopping early when `shouldStop` turns true
    /// (a checkpoint is written first). Validation: `posterior` on column-normalised distances. Returns the epochs run in this call.
    @discardableResult
    public func run(resume: Bool, shouldStop: () -> Bool = { false }, log: (String) -> Void,
                    epochDone: (EpochReport) -> Void = { _ in }) throws -> [EpochReport] {
        var start = 0
        var best = Double.infinity
        if resume, FileManager.default.fileExists(atPath: checkpointPath) {
            let (step, meta) = try Checkpoint.load(from: checkpointPath, model: model.network, optimizer: trainer.optimizer)
            start = step
            best = meta["alinet.best_validation"].flatMap(Double.init) ?? .infinity
            log("resuming from \(checkpointPath) after epoch \(start)")
        }
        let frames = train.reduce(0) { $0 + $1.count }
        let steps = max(1, frames / settings.batchSize)
        var reports: [EpochReport] = []
        let began = Date()
        for epoch in start..<settings.epochs {
            let t0 = Date()
            trainer.reseed(settings.seed &+ UInt64(epoch) &* 7919)
            var loss: Float = 0, acc: Float = 0
            for s in 0..<steps {
                let r = try trainer.step(clips: train, batchSize: settings.batchSize)
                loss += r.loss
                acc += r.accuracy
                if shouldStop() {
                    log("interrupted in epoch \(epoch + 1) at step \(s + 1)/\(steps); the checkpoint keeps epoch \(epoch)")
                    return reports
                }
            }
            var report = EpochReport(epoch: epoch + 1, loss: loss / Float(steps), accuracy: acc / Float(steps),
                                     validation: nil, seconds: Date().timeIntervalSince(t0))
            var meta = provenance(epoch: epoch + 1, elapsed: Date().timeIntervalSince(began))
            if !validation.isEmpty {
                // Column-normalised distances, posterior median at T = 0.1 × their spread (p90 − p10) on the
                // first validation clip: the retrieval the calibration usually picks, cheap enough for every epoch.
                model.calibration.normaliseColumns = true
                let first = validation[0]
                let sample = try model.distances(mouths: first.mouths, frameCount: first.count, segments: first.segments,
                                                 slotCount: first.count).values.sorted()
                model.calibration.temperature = max(1e-6, 0.1 * Double(sample[sample.count * 9 / 10] - sample[sample.count / 10]))
                let v = try AlignmentTraining.bias(model: model, retrieval: .posterior, clips: validation,
                                                   rate: settings.validationRate, seeds: settings.validationSeeds)
                report.validation = v
                if v.mean < best {
                    best = v.mean
                    model.metadata = meta.merging(["alinet.validation_ali_b": String(format: "%.3f", v.mean),
                                                   "alinet.best_epoch": String(epoch + 1)]) { _, b in b }
                    try model.save(to: outputPath)
                }
            } else {
                model.metadata = meta
                try model.save(to: outputPath)
            }
            meta["alinet.best_validation"] = String(best)
            try Checkpoint.save(to: checkpointPath, model: model.network, optimizer: trainer.optimizer, step: epoch + 1,
                                metadata: meta)
            reports.append(report)
            epochDone(report)
            if shouldStop() { return reports }
        }
        return reports
    }

    /// Metadata of the files written after `epoch`.
    func provenance(epoch: Int, elapsed: Double) -> [String: String] {
        var meta = metadata
        meta["alinet.epochs"] = String(epoch)
        meta["alinet.train_clips"] = train.map(\.name).joined(separator: ",")
        meta["alinet.validation_clips"] = validation.map(\.name).joined(separator: ",")
        meta["alinet.train_frames"] = String(train.reduce(0) { $0 + $1.count })
        meta["alinet.training_seconds_this_run"] = String(format: "%.0f", elapsed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let s = try? encoder.encode(settings) { meta["alinet.training"] = String(decoding: s, as: UTF8.self) }
        return meta
    }
}

// MARK: - Prepared-data cache

extension AlignmentTraining {
    /// Writes prepared clips to a safetensors file (mouth crops and segments per clip), so later runs skip decoding
    /// and face detection.
    public static func saveCache(_ clips: [AliNetTrainingClip], configuration: AliNetConfiguration, to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (i, c) in clips.enumerated() {
            tensors["clip\(i).mouths"] = try Tensor(shape: [c.count, configuration.mouthSize], scalars: c.mouths)
            tensors["clip\(i).segments"] = try Tensor(shape: [c.count, configuration.segmentSize], scalars: c.segments)
            if let side = c.thumbnails.first?.count, c.thumbnails.count == c.count {
                tensors["clip\(i).thumbnails"] = try Tensor(shape: [c.count, side], scalars: c.thumbnails.flatMap { $0 })
            }
        }
        let config = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        try SafeTensors.write(tensors: tensors, metadata: ["names": clips.map(\.name).joined(separator: "\n"), "config": config],
                              to: path)
    }

    /// Reads clips written by `saveCache` when the file exists and was made with `configuration` for exactly
    /// `names`; nil otherwise.
    public static func loadCache(path: String, names: [String], configuration: AliNetConfiguration,
                                 seed: UInt64) throws -> [AliNetTrainingClip]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try SafeTensors.read(path: path)
        guard file.metadata["names"] == names.joined(separator: "\n"),
              let json = file.metadata["config"],
              let config = try? JSONDecoder().decode(AliNetConfiguration.self, from: Data(json.utf8)),
              config == configuration else { return nil }
        return try names.enumerated().map { i, name in
            guard let m = file.tensors["clip\(i).mouths"], let s = file.tensors["clip\(i).segments"] else {
                throw AlignmentError.shapeMismatch("cache \(path) lacks clip \(i)")
            }
            var thumbnails: [[Float]] = []
            if let t = file.tensors["clip\(i).thumbnails"], t.shape.count == 2, t.shape[0] == m.shape[0] {
                let v = t.scalars, side = t.shape[1]
                thumbnails = (0..<t.shape[0]).map { Array(v[($0 * side)..<(($0 + 1) * side)]) }
            }
            return try AliNetTrainingClip(name: name, mouths: m.scalars, segments: s.scalars, count: m.shape[0],
                                          configuration: configuration, thumbnails: thumbnails, seed: seed &+ UInt64(i))
        }
    }

    /// `prepare`, through the cache file at `cachePath` when given (read if it matches, else written).
    public static func prepare(_ clips: [Clip], settings: AlignmentTrainingSettings, cachePath: String?,
                               progress: (String) -> Void = { _ in }) throws -> [AliNetTrainingClip] {
        guard let cachePath, !clips.isEmpty else { return try prepare(clips, settings: settings, progress: progress) }
        if let cached = try? loadCache(path: cachePath, names: clips.map(\.relativePath), configuration: settings.configuration,
                                       seed: settings.seed) {
            progress("read \(cached.count) prepared clips from \(cachePath)")
            return cached
        }
        let prepared = try prepare(clips, settings: settings, progress: progress)
        try saveCache(prepared, configuration: settings.configuration, to: cachePath)
        return prepared
    }
}
