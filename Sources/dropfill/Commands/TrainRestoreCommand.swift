import Training
import ArgumentParser
import Corpus
import Foundation
import Restoration
import Tensor

/// `dropfill train-restore`: train FE-Net on the train split of a corpus.
struct TrainRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-restore",
        abstract: "Train FE-Net (the frame restoration network) on real talking-head clips.",
        discussion: """
            Samples gaps the way frame loss makes them (gap lengths geometric with survival 0.13, capped at 15) from the train side of the person-disjoint split (the same split `evaluate --split test` scores), trains the generator on Eqs. 15–19 and, after a reconstruction-only warm-up, adversarially with the audio-conditioned discriminator of Eq. 20. Every epoch prints the validation PSNR (validation split) beside the linear blend's. A checkpoint (--checkpoint, default OUT.ckpt) is written every epoch; --resume continues from it. At the end the generator is written to --out with the command, data, held-out clips, steps and time in its metadata. Clips under --visual-only folders train the visual path only (their audio is marked absent).

            Examples:
              dropfill train-restore ../shared/data --size 128 --steps 3000 --out SampleData/models/fenet.safetensors
              dropfill train-restore ../shared/data --no-audio --out SampleData/models/fenet-noaudio.safetensors
              dropfill train-restore ../shared/data --resume --out fenet.safetensors
              dropfill train-restore ../shared/data --from SampleData/models/fenet.safetensors --steps 2000 --out fenet-ft.safetensors
            """
    )

    @Argument(help: "Corpus folder (a manifest.tsv there gives person IDs).", completion: .directory)
    var corpus: String

    @Option(help: "Manifest TSV giving person IDs (default: manifest.tsv in the corpus folder).", completion: .file())
    var manifest: String?

    @Option(help: "Split to train on: train or all.")
    var split: String = "train"

    @Option(help: "Seed of the person-disjoint split (80/10/10 by person).")
    var splitSeed: UInt64 = 0

    @Option(help: "Side of the square face crops to train on (the network is fully convolutional and runs at any size).")
    var size: Int = 128

    @Option(help: "Training steps (overrides --epochs).")
    var steps: Int?

    @Option(help: "Epochs of --steps-per-epoch steps.")
    var epochs: Int = 10

    @Option(help: "Steps per epoch (validation and checkpoint after each).")
    var stepsPerEpoch: Int = 250

    @Option(help: "Samples per step.")
    var batch: Int = 8

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 5e-4

    @Option(help: "Weight of the adversarial term (0: reconstruction only).")
    var adversarialWeight: Float = 1e-3

    @Option(help: "Weight of the gradient-pyramid perceptual stand-in.")
    var lambdaP: Float = 0.5

    @Option(help: "Weight of the structural term 1 − SSIM (at full and half resolution) added to Eq. 15 (0: off).")
    var lambdaSsim: Float = 0

    @Option(help: "Where the trained generator goes.", completion: .file())
    var out: String = "fenet.safetensors"

    @Option(help: "Checkpoint file (default: OUT.ckpt).", completion: .file())
    var checkpoint: String?

    @Flag(help: "Continue from the checkpoint.")
    var resume = false

    @Option(help: "Fine-tune: start the generator from this FE-Net model file (same architecture) instead of random weights; the discriminator starts fresh.", completion: .file())
    var from: String?

    @Option(help: "Reconstruction-only steps before the discriminator joins (default: 60 % of the steps; 0 with --from).")
    var warmupSteps: Int?

    @Flag(help: "Train without audio (the fenet-noaudio variant: every sample has the audio-absent flag).")
    var noAudio = false

    @Option(help: "Comma-separated folder prefixes whose clips train the visual path only.")
    var visualOnly: String = "faces-extra/"

    @Option(help: "Use at most this many frames of each clip.")
    var maxFrames: Int?

    @Option(help: "Random seed (initialisation and sampling).")
    var seed: UInt64 = 0

    @Option(help: "Progress line every N steps.")
    var logEvery: Int = 25

    @Option(help: "OpenBLAS threads when OPENBLAS_NUM_THREADS is unset.")
    var threads: Int = 1

    func validate() throws {
        guard ["train", "all"].contains(split) else { throw ValidationError("--split must be train or all") }
        guard size >= 32, size <= 512, size % 16 == 0 else { throw ValidationError("--size must be a multiple of 16 in 32…512") }
        guard batch >= 1, stepsPerEpoch >= 1, epochs >= 1, (steps ?? 1) >= 1 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        BLASThreads.configure(fallback: threads)
        let began = Date()
        let total = steps ?? epochs * stepsPerEpoch
        let prefixes = visualOnly.split(separator: ",").map(String.init)
        let trainSide = try CorpusSelection.selectForProcess(path: corpus, manifest: manifest, split: split, seed: splitSeed)
        let validationSide = split == "all" ? nil : try? CorpusSelection.selectForProcess(path: corpus, manifest: manifest, split: "validation", seed: splitSeed)
        let testSide = split == "all" ? nil : try? CorpusSelection.selectForProcess(path: corpus, manifest: manifest, split: "test", seed: splitSeed)
        let settings = FENetTrainingSettings(steps: total, batch: batch, learningRate: learningRate,
                                             warmupSteps: warmupSteps ?? (from == nil ? nil : 0),
                                             adversarialWeight: adversarialWeight, lambdaP: lambdaP, lambdaSSIM: lambdaSsim, seed: seed)
        let trainer = try FENetTrainer(settings: settings)
        var startMetadata: [String: String] = [:]
        if let from, !(resume && FileManager.default.fileExists(atPath: checkpoint ?? out + ".ckpt")) {
            startMetadata = try trainer.loadGenerator(from: from)
            Progress.log("train-restore: fine-tuning the generator of \(from) (\(startMetadata["fenet.steps"] ?? "?") steps there)")
        }
        let ckpt = checkpoint ?? out + ".ckpt"
        var lastValidation = (fenet: 0.0, blend: 0.0)
        var trainNames = trainSide.clips.map(\.relativePath), valNames = validationSide?.clips.map(\.relativePath) ?? []
        if resume, FileManager.default.fileExists(atPath: ckpt) {
            let meta = try trainer.loadCheckpoint(from: ckpt)
            Progress.log("resuming from \(ckpt) at step \(trainer.step)")
            lastValidation = (Double(meta["fenet.validation_psnr_db"] ?? "") ?? 0, Double(meta["fenet.validation_blend_psnr_db"] ?? "") ?? 0)
            trainNames = meta["fenet.train_clips"].map { $0.components(separatedBy: ", ") } ?? trainNames
        }
        if trainer.step < total {
            Progress.log("train-restore: loading \(trainSide.clips.count) training clip(s) at \(size)²")
            let trainClips = try RestorationTraining.load(trainSide.clips, size: size, visualOnly: prefixes, noAudio: noAudio,
                                                          maxFrames: maxFrames, progress: { Progress.log("  " + $0) })
            let valClips = try RestorationTraining.load(validationSide?.clips ?? [], size: size, visualOnly: prefixes, noAudio: noAudio,
                                                        maxFrames: maxFrames, progress: { Progress.log("  validation " + $0) })
            guard !trainClips.isEmpty else { throw ValidationError("no training clip could be loaded") }
            trainNames = trainClips.map { "\($0.name)\($0.audio == nil ? " (no audio)" : "")" }
            valNames = valClips.map(\.name)
            lastValidation = try train(trainer, total: total, trainClips: trainClips, valClips: valClips, checkpoint: ckpt,
                                       settings: settings, trainNames: trainNames)
        }
        let metadata: [String: String] = [
            "fenet.command": CommandLine.arguments.joined(separator: " "),
            "fenet.variant": noAudio ? "fenet-noaudio" : "fenet",
            "fenet.training": settingsJSON(settings),
            "fenet.training_size": String(size),
            "fenet.steps": String(trainer.step),
            "fenet.wall_seconds_this_run": String(format: "%.0f", Date().timeIntervalSince(began)),
            "fenet.train_clips": trainNames.joined(separator: ", "),
            "fenet.validation_clips": valNames.joined(separator: ", "),
            "fenet.test_clips_held_out": testSide?.clips.map(\.relativePath).joined(separator: ", ") ?? "",
            "fenet.validation_psnr_db": String(format: "%.3f", lastValidation.fenet),
            "fenet.validation_blend_psnr_db": String(format: "%.3f", lastValidation.blend),
            "fenet.split_seed": String(splitSeed),
        ].merging(from.map { ["fenet.fine_tuned_from": "\($0) (\(startMetadata["fenet.steps"] ?? "?") steps; its command: \(startMetadata["fenet.command"] ?? "?"))"] } ?? [:]) { a, _ in a }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try trainer.generator.save(path: out, metadata: metadata)
        Progress.log("train-restore: wrote \(out) after \(trainer.step) steps (\(String(format: "%.0f", Date().timeIntervalSince(began))) s this run)")
    }

    /// The training loop: steps, progress lines, validation and a checkpoint every epoch; returns the last validation.
    private func train(_ trainer: FENetTrainer, total: Int, trainClips: [FENetTrainingClip], valClips: [FENetTrainingClip],
                       checkpoint ckpt: String, settings: FENetTrainingSettings, trainNames: [String]) throws -> (fenet: Double, blend: Double) {
        let sampler = FENetGapSampler(noAudio: noAudio)
        // A fixed validation set: 64 gaps of the validation clips (or of the training clips when there are none).
        var vg = SeededGenerator(seed: 12_345)
        let valSource = valClips.isEmpty ? trainClips : valClips
        var valSampler = sampler
        valSampler.flip = false
        valSampler.staticFraction = 0
        let valBatches = try (0..<8).map { _ in
            try FENetBatch((0..<8).map { _ in valSampler.sample(valSource, using: &vg) }, width: size, height: size)
        }
        Progress.log("train-restore: \(trainer.generator.parameterCount) generator parameters, \(String(format: "%.3f", trainer.generator.gigaflopsPerFrame(size: 256))) GFLOP per 256² frame; \(total) steps of \(batch)")
        var g = SeededGenerator(seed: seed &+ UInt64(trainer.step) &* 7919)
        var recent: [FENetStepLosses] = []
        var lastValidation = (fenet: 0.0, blend: 0.0)
        let stepStart = trainer.step, t0 = Date()
        while trainer.step < total {
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
                line += String(format: ")  %.2f steps/s  eta %.0fs", rate, Double(total - done) / max(rate, 1e-9))
                Progress.log(line)
                recent.removeAll()
            }
            if done % stepsPerEpoch == 0 || done == total {
                lastValidation = try trainer.validate(valBatches)
                Progress.log(String(format: "epoch %d: validation PSNR %.2f dB (blend %.2f dB) on %d gaps of %@", done / stepsPerEpoch,
                                    lastValidation.fenet, lastValidation.blend, 64, valClips.isEmpty ? "training clips" : "validation clips"))
                try trainer.saveCheckpoint(to: ckpt, metadata: [
                    "fenet.training": settingsJSON(settings), "fenet.train_clips": trainNames.joined(separator: ", "),
                    "fenet.validation_psnr_db": String(format: "%.3f", lastValidation.fenet),
                    "fenet.validation_blend_psnr_db": String(format: "%.3f", lastValidation.blend),
                ])
            }
        }
        return lastValidation
    }

    private func settingsJSON(_ s: FENetTrainingSettings) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(s)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}
