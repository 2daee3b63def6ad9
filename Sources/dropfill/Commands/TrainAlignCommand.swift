import Training
import Pipeline
import Alignment
import ArgumentParser
import Corpus
import Foundation
import Tensor
import SafeOutput

/// Set by SIGINT during `train-align`: the run writes its checkpoint and stops.
nonisolated(unsafe) private var trainAlignInterrupted: sig_atomic_t = 0

/// What `train-align` does with a corpus: Ali-Net learns from the training part, mouths cut from 256² face crops.
enum AlignmentTrainingRole: CorpusRole, TrainingRole {
    static let split = CorpusPart.train
    static let splitHelp = "Train on this part of the person-disjoint split (with train, the validation part scores every epoch)."
    static let size = 256
    static let sizeHelp = "Side of the square face crops the mouth is cut from, pixels."
    static let epochs = 30
    static let epochsHelp = "Epochs (passes over every training frame)."
    static let out = "alinet.safetensors"
    static let seed: UInt64 = 1
    static let checkpoint = "OUT.checkpoint"
}

/// `dropfill train-align`: train Ali-Net's encoders (triplet loss, or `--objective avenet|multiway`) on the clips of a corpus.
struct TrainAlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-align",
        abstract: "Train Ali-Net (Video-Ali + Audio-Ali, triplet loss) on the audio-visual clips of a corpus.",
        discussion: """
            Every clip of the chosen split (person-disjoint, the same split `evaluate --split` uses) is decoded once:
            a square face crop per clip (--size), a grey mouth crop per frame, MFCC segments per frame slot. Training draws minibatches of frames: anchor = the mouth crop, positive = its own slot's audio segment, negatives = a segment of the same clip's shuffled audio (the paper's interfering audio) and a segment 1–5 slots away (hard negatives for fine timing). After every epoch: the validation split's Ali_b (posterior median on column-normalised distances, drop rate 0.87, 5 drop seeds), a checkpoint (MODEL.checkpoint) and, when validation improved, the model file. At the end the retrieval stage is calibrated on the training and validation clips (threshold β, continuity line and weight) and stored in the model file. Ctrl-C writes the checkpoint and stops; --resume continues from it.

            Examples:
              dropfill train-align SampleData/corpora/av.tsv --epochs 40 \\
                  --out alinet.safetensors
              OPENBLAS_NUM_THREADS=1 dropfill train-align ../shared/data --manifest av.tsv --resume --out alinet.safetensors
            """
    )

    @Argument(help: "A corpus folder, or a manifest TSV (columns path, person).", completion: .file())
    var corpus: String

    @OptionGroup(title: "Corpus")
    var corpusOptions: CorpusOptions<AlignmentTrainingRole>

    @OptionGroup(title: "Training")
    var training: TrainingOptions<AlignmentTrainingRole>

    @Option(help: "Frames per minibatch.")
    var batchSize: Int = 64

    @Option(help: "Audio context: feature frames each side of a slot (2 = the paper's five segments).")
    var context: Int = 2

    @Option(help: "Embedding dimension.")
    var embedding: Int = 64

    @Option(help: "Keep the prepared clips (mouth crops, audio segments) in this folder and reuse them.", completion: .directory)
    var cache: String?

    @Option(help: "Weight of the hard-negative triplet term (0: only the paper's shuffled-audio negatives).")
    var hardWeight: Float = 1

    @Option(help: "Training objective of the encoders: triplet (the paper's Eq. 6), avenet (AVE-Net correspondence: a logistic on the distance) or multiway (softmax over 8 candidate segments).")
    var objective: AliNetObjective = .triplet

    @Flag(help: "Skip the calibration of the retrieval stage at the end.")
    var noCalibration = false

    @Flag(help: "Do not train: recalibrate the retrieval stage of the model already in --out (after the retrieval code changed) and save it there.")
    var calibrateOnly = false

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions

    func validate() throws {
        guard !(calibrateOnly && noCalibration) else { throw ValidationError("--calibrate-only and --no-calibration exclude each other") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2") }
    }

    func run() throws {
        // The model and its checkpoint are rewritten every epoch; resuming (or recalibrating) takes them over as they are.
        let checkpointPath = training.out + ".checkpoint"
        let taken = calibrateOnly ? [training.out]
            : (training.resume ? [training.out, checkpointPath].filter { FileManager.default.fileExists(atPath: $0) } : [])
        try outputs.adopt(inputs: [corpus, corpusOptions.manifest], outputs: [training.out, checkpointPath], resuming: taken)
        Parallel.configureDefaultThreads()
        let began = Date()
        let (split, splitSeed, size) = (corpusOptions.split.rawValue, corpusOptions.splitSeed, corpusOptions.size)
        let (epochs, out, seed) = (training.epochs, training.out, training.seed)
        var (path, manifestPath) = (corpus, corpusOptions.manifest)
        if corpus.hasSuffix(".tsv") {
            manifestPath = corpus
            path = URL(fileURLWithPath: corpus).deletingLastPathComponent().path
        }
        let config = AliNetConfiguration(audioContext: context, embedding: embedding)
        let settings = AlignmentTrainingSettings(configuration: config, preparation: ClipPreparation(crop: .face, size: size),
                                                 epochs: epochs, batchSize: batchSize, learningRate: training.learningRate, seed: seed)
        let trainCorpus = try corpusOptions.select(path, manifest: manifestPath)
        let validationClips = corpusOptions.split == .train
            ? ((try? corpusOptions.select(path, part: .validation, manifest: manifestPath))?.clips ?? [])
            : []
        let log: (String) -> Void = { Progress.log($0) }
        log("Ali-Net: \(trainCorpus.clips.count) training clips, \(validationClips.count) validation clips")
        if let cache { try? FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true) }
        let cacheFile = { (part: String) in cache.map { "\($0)/alinet-\(part)-\(split)-\(splitSeed)-\(size)-c\(context).safetensors" } }
        let train = try AlignmentTraining.prepare(trainCorpus.clips, settings: settings, cachePath: cacheFile("train"), progress: log)
        let validation = try AlignmentTraining.prepare(validationClips, settings: settings, cachePath: cacheFile("validation"),
                                                       progress: log)
        if calibrateOnly {
            let model = try AliNetModel.load(path: out, expecting: config)
            let calibration = try AlignmentTraining.calibrate(model: model, fitClips: train, scoreClips: validation.isEmpty ? train : validation,
                                                              rate: settings.validationRate, seeds: settings.validationSeeds, progress: log)
            log("calibration: \(calibration)")
            model.metadata["alinet.calibration_command"] = CommandLine.arguments.joined(separator: " ")
            try model.save(to: out, reclaimable: true)
            print("recalibrated \(out)")
            return
        }
        let frames = train.reduce(0) { $0 + $1.count }
        let network = try AliNet(configuration: config)
        let gflop = config.gflopPerEmbedding
        log(String(format: "%d training frames; %d parameters; %.4f GFLOP per frame embedding, %.5f per audio segment",
                   frames, network.parameterCount, gflop.video, gflop.audio))
        if !validation.isEmpty {
            let u = try AlignmentTraining.uniformBias(clips: validation, rate: settings.validationRate, seeds: settings.validationSeeds)
            log(String(format: "validation uniform baseline: Ali_b mean %.2f median %.1f exact %.1f%%", u.mean, u.median, 100 * u.exactShare))
        }
        var metadata = [
            "alinet.command": CommandLine.arguments.joined(separator: " "),
            "alinet.corpus": trainCorpus.root,
            "alinet.split": "\(split) (SampleData/corpora/split.tsv for the clips it lists, else seed \(splitSeed), 80/10/10 by person)",
            "alinet.crop": "face crop \(size)x\(size) (FaceCrop box per clip), mouth region \(config.mouthRegion) of it, grey, \(config.mouthHeight)x\(config.mouthWidth)",
            "alinet.audio": "MFCC-\(config.audioCoefficients) (25 ms / 10 ms), CMVN per clip, \(config.audioWidth) segments per slot",
            "dropfill.version": DropfillVersion.string,
            "alinet.objective": objective.rawValue,
        ]
        if let commit = Self.gitCommit() { metadata["alinet.git_commit"] = commit }
        let runner = try AlignmentTrainingRun(settings: settings, train: train, validation: validation, outputPath: out,
                                              metadata: metadata)
        runner.trainer.hardNegativeWeight = hardWeight
        runner.trainer.objective = objective
        signal(SIGINT) { _ in trainAlignInterrupted = 1 }
        try runner.run(resume: training.resume, shouldStop: { trainAlignInterrupted != 0 }, log: log) { r in
            var line = String(format: "epoch %d/%d  loss %.4f  triplet accuracy %.1f%%  %.1fs", r.epoch, epochs, r.loss,
                              100 * r.accuracy, r.seconds)
            if let v = r.validation {
                line += String(format: "  validation Ali_b mean %.2f median %.1f exact %.1f%%", v.mean, v.median, 100 * v.exactShare)
            }
            log(line)
        }
        signal(SIGINT, SIG_DFL)
        TemporaryFiles.reinstallHandlers()
        if trainAlignInterrupted != 0 { throw ExitCode(130) }
        // The best epoch's model, calibrated.
        let model = try AliNetModel.load(path: out)
        if !noCalibration {
            let scoreClips = validation.isEmpty ? train : validation
            let calibration = try AlignmentTraining.calibrate(model: model, fitClips: train, scoreClips: scoreClips,
                                                              rate: settings.validationRate, seeds: settings.validationSeeds,
                                                              progress: log)
            log("calibration: \(calibration)")
        }
        model.metadata["alinet.seconds_total_last_run"] = String(format: "%.0f", Date().timeIntervalSince(began))
        try model.save(to: out, reclaimable: true)
        if !validation.isEmpty {
            for kind in AliNetRetrieval.allCases {
                let v = try AlignmentTraining.bias(model: model, retrieval: kind, clips: validation,
                                                   rate: settings.validationRate, seeds: settings.validationSeeds)
                log(String(format: "validation %@: Ali_b mean %.2f median %.1f exact %.1f%%", kind.rawValue, v.mean, v.median,
                           100 * v.exactShare))
            }
        }
        print("wrote \(out) (best epoch \(model.metadata["alinet.best_epoch"] ?? "last"))")
    }

    /// The commit of the working tree the command runs in, if git answers.
    static func gitCommit() -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "rev-parse", "HEAD"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let s = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }
}

extension AliNetObjective: ExpressibleByArgument {}
