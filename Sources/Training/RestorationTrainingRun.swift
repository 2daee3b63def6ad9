import Pipeline
import Corpus
import Foundation
import Restoration
import Tensor

// MARK: - Training run

/// One FE-Net training run: gaps sampled from the training clips, steps of Eqs. 15–20 with progress lines, the
/// validation PSNR beside the linear blend's and a resumable checkpoint every epoch, then the generator written to
/// the output file with its provenance (the counterpart of Ali-Net's `AlignmentTrainingRun`).
public final class RestorationTrainingRun {
    /// What the run reads and writes besides the optimiser's settings.
    public struct Options: Sendable {
        /// Side of the square face crops trained on.
        public var size: Int
        /// Train the `fenet-noaudio` variant (every sample carries the audio-absent flag).
        public var noAudio: Bool
        /// Folder prefixes whose clips train the visual path only.
        public var visualOnly: [String]
        /// At most this many frames of each clip.
        public var maxFrames: Int?
        /// Steps between validations and checkpoints.
        public var stepsPerEpoch: Int
        /// Steps between progress lines.
        public var logEvery: Int
        /// Where the trained generator goes.
        public var outputPath: String
        /// The checkpoint file (default: the output path with `.ckpt`).
        public var checkpointPath: String
        /// Continue from the checkpoint when it exists.
        public var resume: Bool
        /// Fine-tune: start the generator from this model file (the discriminator starts fresh).
        public var fineTuneFrom: String?
        /// Stop after this step with the checkpoint written there and no model file (the schedule stays that of the
        /// whole run), to train in parts with `resume`; nil = run to the end.
        public var stopAfter: Int?
        /// Seed of the person-disjoint split, recorded in the model file.
        public var splitSeed: UInt64
        /// The command line that started the run, recorded in the model file.
        public var command: String
        /// Guide with the frames' own landmark geometry instead of the audio's prediction (the upper-bound diagnostic).
        public var oracleTrack = false
        /// The longest gap trained on (dropped frames between the two neighbours).
        public var maxGap = 15
        /// Whether a sample stands for a gap or for a missing frame of the drop process (`FENetGapSampler.Weighting`).
        public var gapWeighting: FENetGapSampler.Weighting = .gaps
        /// Gaps of the fixed validation set scored every epoch (a multiple of `validationBatch`).
        public var validationGaps = 64

        /// Gaps per validation batch.
        public static let validationBatch = 8

        public init(size: Int = 128, noAudio: Bool = false, visualOnly: [String] = ["faces-extra/"], maxFrames: Int? = nil,
                    stepsPerEpoch: Int = 250, logEvery: Int = 25, outputPath: String, checkpointPath: String? = nil,
                    resume: Bool = false, fineTuneFrom: String? = nil, stopAfter: Int? = nil, splitSeed: UInt64 = 0,
                    command: String = "") {
            self.size = size
            self.noAudio = noAudio
            self.visualOnly = visualOnly
            self.maxFrames = maxFrames
            self.stepsPerEpoch = stepsPerEpoch
            self.logEvery = logEvery
            self.outputPath = outputPath
            self.checkpointPath = checkpointPath ?? outputPath + ".ckpt"
            self.resume = resume
            self.fineTuneFrom = fineTuneFrom
            self.stopAfter = stopAfter
            self.splitSeed = splitSeed
            self.command = command
        }
    }

    /// Validation PSNR of FE-Net and of the linear blend on the same gaps, dB.
    public typealias Validation = (fenet: Double, blend: Double)

    public let settings: FENetTrainingSettings
    public let options: Options
    public let trainer: FENetTrainer
    /// Where a guided generator's lip tracks and mouth spots come from (nil for an unguided one).
    public let guidance: LipGuidanceSource?

    /// A run of a generator of `config`; `trunk` is RIFE's IFNet when the configuration's trunk is RIFE (FE-Net v2);
    /// `guidance` is needed when the configuration is guided (`.invalidSetting` otherwise).
    public init(settings: FENetTrainingSettings, options: Options, config: FENetConfig = FENetConfig(), trunk: IFNet? = nil,
                guidance: LipGuidanceSource? = nil) throws {
        self.settings = settings
        self.options = options
        if config.guidance != nil, guidance == nil {
            throw RestorationError.invalidSetting("train-restore: a guided generator needs the lip guidance source")
        }
        let perBatch = Options.validationBatch
        guard options.validationGaps >= perBatch, options.validationGaps % perBatch == 0 else {
            throw RestorationError.invalidSetting("train-restore: \(options.validationGaps) validation gaps (a positive multiple of \(perBatch) is needed)")
        }
        if settings.lambdaMouth > 0, config.guidance == nil {
            throw RestorationError.invalidSetting("train-restore: the mouth term needs the lip guidance (--guidance lips): it is where the mouth is")
        }
        self.guidance = config.guidance == nil ? nil : guidance
        trainer = try FENetTrainer(config: config, settings: settings, trunk: trunk)
    }

    /// The method name the trained generator restores as.
    var variant: String {
        let config = trainer.generator.config
        if config.guidance == .lips { return options.noAudio ? "fenet-lips-noaudio" : "fenet-lips" }
        return options.noAudio ? "fenet-noaudio" : (config.usesRIFETrunk ? "fenet2" : "fenet")
    }

    /// Trains on `train` (validating on `validation`, recording `test` as held out) from the fine-tuning start or
    /// the checkpoint, and writes the generator with its metadata to the output path (only the checkpoint when stopped
    /// early by `stopAfter`); returns the last validation.
    @discardableResult
    public func run(train trainCorpus: [Clip], validation validationCorpus: [Clip], test testCorpus: [Clip],
                    log: (String) -> Void) throws -> Validation {
        let began = Date()
        let total = settings.steps, size = options.size, noAudio = options.noAudio
        let from = options.fineTuneFrom, ckpt = options.checkpointPath, out = options.outputPath
        var startMetadata: [String: String] = [:]
        if let from, !(options.resume && FileManager.default.fileExists(atPath: ckpt)) {
            startMetadata = try trainer.loadGenerator(from: from)
            log("train-restore: fine-tuning the generator of \(from) (\(startMetadata["fenet.steps"] ?? "?") steps there)")
        }
        var lastValidation = (fenet: 0.0, blend: 0.0)
        var trainNames = trainCorpus.map(\.relativePath), valNames = validationCorpus.map(\.relativePath)
        var samplerState: UInt64?
        if options.resume, FileManager.default.fileExists(atPath: ckpt) {
            let meta = try trainer.loadCheckpoint(from: ckpt)
            samplerState = meta[Self.samplerStateKey].flatMap { UInt64($0) }
            log("resuming from \(ckpt) at step \(trainer.step)")
            lastValidation = (Double(meta["fenet.validation_psnr_db"] ?? "") ?? 0, Double(meta["fenet.validation_blend_psnr_db"] ?? "") ?? 0)
            trainNames = meta["fenet.train_clips"].map { $0.components(separatedBy: ", ") } ?? trainNames
        }
        if trainer.step < min(total, options.stopAfter ?? total) {
            log("train-restore: loading \(trainCorpus.count) training clip(s) at \(size)²")
            let trainClips = try RestorationTraining.load(trainCorpus, size: size, visualOnly: options.visualOnly, noAudio: noAudio,
                                                          maxFrames: options.maxFrames, guidance: guidance,
                                                          oracleTrack: options.oracleTrack, progress: { log("  " + $0) })
            let valClips = try RestorationTraining.load(validationCorpus, size: size, visualOnly: options.visualOnly, noAudio: noAudio,
                                                        maxFrames: options.maxFrames, guidance: guidance,
                                                        oracleTrack: options.oracleTrack, progress: { log("  validation " + $0) })
            guard !trainClips.isEmpty else { throw CorpusError.emptyCorpus("no training clip could be loaded") }
            trainNames = trainClips.map { "\($0.name)\($0.audio == nil ? " (no audio)" : "")" }
            valNames = valClips.map(\.name)
            lastValidation = try train(trainClips: trainClips, valClips: valClips, trainNames: trainNames, samplerState: samplerState,
                                       lastValidation: lastValidation, log: log)
        }
        if trainer.step < total {
            log("train-restore: stopped after step \(trainer.step) of \(total); \(ckpt) holds the run (continue with --resume)")
            return lastValidation
        }
        let metadata: [String: String] = [
            "fenet.command": options.command,
            "fenet.variant": variant + (options.oracleTrack ? " (oracle lip track: the frames' own landmarks; a diagnostic, not a restorer)" : ""),
            "fenet.training": settingsJSON(settings),
            "fenet.training_size": String(size),
            "fenet.steps": String(trainer.step),
            "fenet.wall_seconds_this_run": String(format: "%.0f", Date().timeIntervalSince(began)),
            "fenet.train_clips": trainNames.joined(separator: ", "),
            "fenet.validation_clips": valNames.joined(separator: ", "),
            "fenet.test_clips_held_out": testCorpus.map(\.relativePath).joined(separator: ", "),
            "fenet.validation_psnr_db": String(format: "%.3f", lastValidation.fenet),
            "fenet.validation_blend_psnr_db": String(format: "%.3f", lastValidation.blend),
            "fenet.split_seed": String(options.splitSeed),
            "fenet.gap_sampling": "\(options.gapWeighting.rawValue), max gap \(options.maxGap)",
            "fenet.validation_gaps": String(options.validationGaps),
        ].merging(from.map { ["fenet.fine_tuned_from": "\($0) (\(startMetadata["fenet.steps"] ?? "?") steps; its command: \(startMetadata["fenet.command"] ?? "?"))"] } ?? [:]) { a, _ in a }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try trainer.generator.save(path: out, metadata: metadata)
        log("train-restore: wrote \(out) after \(trainer.step) steps (\(String(format: "%.0f", Date().timeIntervalSince(began))) s this run)")
        return lastValidation
    }

    /// Checkpoint metadata holding the gap sampler's generator state, so that a resumed run draws the same batches
    /// as an uninterrupted one (re-seeding it from the step made resumed weights differ by up to 0.073).
    public static let samplerStateKey = "fenet.sampler_state"

    /// The training loop: steps, progress lines, validation and a checkpoint every epoch (and at `stopAfter`); returns
    /// the last validation. `samplerState` continues the batch sampler of the run that wrote the checkpoint.
    func train(trainClips: [FENetTrainingClip], valClips: [FENetTrainingClip], trainNames: [String], samplerState: UInt64?,
               lastValidation previous: Validation = (0, 0), log: (String) -> Void) throws -> Validation {
        let total = settings.steps, size = options.size, batch = settings.batch, seed = settings.seed
        let logEvery = options.logEvery, stepsPerEpoch = options.stepsPerEpoch, ckpt = options.checkpointPath
        var sampler = FENetGapSampler(maxGap: options.maxGap, noAudio: options.noAudio, guided: trainer.generator.config.guidance != nil)
        sampler.weighting = options.gapWeighting
        // A fixed validation set: `validationGaps` gaps of the validation clips (or of the training clips when there are
        // none; the count is checked by `init`). The first 64 are the same whatever the number (one generator, in order).
        let perBatch = Options.validationBatch
        var vg = SeededGenerator(seed: 12_345)
        let valSource = valClips.isEmpty ? trainClips : valClips
        var valSampler = sampler
        valSampler.flip = false
        valSampler.staticFraction = 0
        let valBatches = try (0..<(options.validationGaps / perBatch)).map { _ in
            try FENetBatch((0..<perBatch).map { _ in valSampler.sample(valSource, using: &vg) }, width: size, height: size)
        }
        log("train-restore: \(trainer.generator.parameterCount) generator parameters, \(String(format: "%.3f", trainer.generator.gigaflopsPerFrame(size: 256))) GFLOP per 256² frame; \(total) steps of \(batch)")
        var g = SeededGenerator(seed: samplerState ?? (seed &+ UInt64(trainer.step) &* 7919))
        var recent: [FENetStepLosses] = []
        var lastValidation = previous
        let stepStart = trainer.step, t0 = Date(), end = min(total, options.stopAfter ?? total)
        while trainer.step < end {
            let samples = (0..<batch).map { _ in sampler.sample(trainClips, using: &g) }
            let losses = try trainer.trainStep(try FENetBatch(samples, width: size, height: size))
            recent.append(losses)
            let done = trainer.step
            if done % logEvery == 0 || done == total {
                func mean(_ k: KeyPath<FENetStepLosses, Float>) -> Float { recent.map { $0[keyPath: k] }.reduce(0, +) / Float(recent.count) }
                let adv = recent.compactMap(\.adversarial), dis = recent.compactMap(\.discriminator)
                let rate = Double(done - stepStart) / max(Date().timeIntervalSince(t0), 1e-9)
                var line = String(format: "step %d/%d  loss %.4f  (L_r %.4f L_p %.4f L_w %.4f L_s %.5f", done, total, mean(\.total),
                                  mean(\.reconstruction), mean(\.perceptual), mean(\.warping), mean(\.smoothness))
                if !adv.isEmpty { line += String(format: " adv %.3f D %.3f", adv.reduce(0, +) / Float(adv.count), dis.reduce(0, +) / Float(max(dis.count, 1))) }
                let st = recent.compactMap(\.structural)
                if !st.isEmpty { line += String(format: " 1−SSIM %.4f", st.reduce(0, +) / Float(st.count)) }
                let mo = recent.compactMap(\.mouth)
                if !mo.isEmpty { line += String(format: " L_mouth %.4f", mo.reduce(0, +) / Float(mo.count)) }
                line += String(format: ")  %.2f steps/s  eta %.0fs", rate, Double(total - done) / max(rate, 1e-9))
                log(line)
                recent.removeAll()
            }
            let epochEnd = done % stepsPerEpoch == 0 || done == total
            if epochEnd {
                lastValidation = try trainer.validate(valBatches)
                log(String(format: "epoch %d: validation PSNR %.2f dB (blend %.2f dB) on %d gaps of %@", done / stepsPerEpoch,
                           lastValidation.fenet, lastValidation.blend, options.validationGaps, valClips.isEmpty ? "training clips" : "validation clips"))
            }
            if epochEnd || done == end {
                try trainer.saveCheckpoint(to: ckpt, metadata: [
                    "fenet.training": settingsJSON(settings), "fenet.train_clips": trainNames.joined(separator: ", "),
                    "fenet.validation_psnr_db": String(format: "%.3f", lastValidation.fenet),
                    "fenet.validation_blend_psnr_db": String(format: "%.3f", lastValidation.blend),
                    Self.samplerStateKey: String(g.state),
                ])
            }
        }
        return lastValidation
    }

    /// The settings as sorted-key JSON, for the model file and the checkpoint.
    func settingsJSON(_ s: FENetTrainingSettings) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(s)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}
