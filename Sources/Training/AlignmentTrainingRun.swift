import Pipeline
import Corpus
import Alignment
import Foundation
import Media
import Tensor

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
        for (name, value) in [("learning rate", settings.learningRate), ("weight decay", settings.weightDecay), ("margin", settings.margin)]
        where !value.isFinite || value < 0 {
            throw CorpusError.invalidSetting("Ali-Net training: the \(name) must be a finite number ≥ 0, got \(value)")
        }
        guard settings.learningRate > 0 else { throw CorpusError.invalidSetting("Ali-Net training: the learning rate must be positive") }
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
                    try model.save(to: outputPath, reclaimable: true)
                }
            } else {
                model.metadata = meta
                try model.save(to: outputPath, reclaimable: true)
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
