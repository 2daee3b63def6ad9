import ArgumentParser
import Corpus
import Pipeline
import Foundation
import Restoration
import Tensor
import Training

/// What `train-restore` does with a corpus: FE-Net learns from the training part at 128².
enum RestorationTrainingRole: CorpusRole, TrainingRole, ThreadRole {
    static let split = CorpusPart.train
    static let splitHelp = "Part of the person-disjoint split to train on: train or all (validation and test are held out from train)."
    static let size = 128
    static let sizeHelp = "Side of the square face crops to train on (the network is fully convolutional and runs at any size)."
    static let epochs = 10
    static let epochsHelp = "Epochs of --steps-per-epoch steps."
    static let out = "fenet.safetensors"
    static let seed: UInt64 = 0
    static let checkpoint = "--checkpoint, default OUT.ckpt"
    static let threads = 1
}

/// `dropfill train-restore`: train FE-Net on the train split of a corpus.
struct TrainRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-restore",
        abstract: "Train FE-Net (the frame restoration network) on real talking-head clips.",
        discussion: """
            Samples gaps the way frame loss makes them (gap lengths geometric with survival 0.13, capped at --max-gap) from the train side of the person-disjoint split (the same split `evaluate --split test` scores), trains the generator on Eqs. 15–19 and, after a reconstruction-only warm-up, adversarially with the audio-conditioned discriminator of Eq. 20. Every epoch prints the validation PSNR (validation split) beside the linear blend's. A checkpoint (--checkpoint, default OUT.ckpt) is written every epoch; --resume continues from it. At the end the generator is written to --out with the command, data, held-out clips, steps and time in its metadata. Clips under --visual-only folders, and every clip of a --visual-corpus (talking faces without usable audio, e.g. ../shared/data/faces-video), train the visual path only (their audio is marked absent); a --visual-corpus clip of a validation or test person is left out, so the held-out persons stay unseen.

            Examples:
              dropfill train-restore ../shared/data --size 128 --steps 3000 \\
                  --out SampleData/models/fenet.safetensors
              dropfill train-restore ../shared/data --no-audio \\
                  --out SampleData/models/fenet-noaudio.safetensors
              dropfill train-restore ../shared/data --resume --out fenet.safetensors
              dropfill train-restore ../shared/data \\
                  --from SampleData/models/fenet.safetensors --steps 2000 \\
                  --out fenet-ft.safetensors
              dropfill train-restore ../shared/data --trunk rife \\
                  --from SampleData/models/fenet.safetensors --steps 1500 \\
                  --out SampleData/models/fenet2.safetensors
              dropfill train-restore ../shared/data --guidance lips --mouth-weight 2 \\
                  --from SampleData/models/fenet.safetensors --steps 1500 \\
                  --out SampleData/models/fenet-lips.safetensors
              dropfill train-restore ../shared/data --visual-corpus ../shared/data/faces-video \\
                  --from SampleData/models/fenet.safetensors --steps 2000 --out fenet.safetensors

            --guidance lips (fenet-lips) gives refine_net and inter_net the audio-predicted lip geometry's departure from interpolation (lips.safetensors on the phones pocketsphinx decodes), placed at the mouth the neighbours' landmarks show; with --no-audio the same network sees the mouth's place only (fenet-lips-noaudio). --from an unguided FE-Net widens its inputs with zero weights, so training starts from exactly that model.
            """
    )

    @Argument(help: "Corpus folder (a manifest.tsv there gives person IDs).", completion: .directory)
    var corpus: String

    @OptionGroup(title: "Corpus")
    var corpusOptions: CorpusOptions<RestorationTrainingRole>

    @OptionGroup(title: "Training")
    var training: TrainingOptions<RestorationTrainingRole>

    @Option(help: "Training steps (overrides --epochs).")
    var steps: Int?

    @Option(help: "Steps per epoch (validation and checkpoint after each).")
    var stepsPerEpoch: Int = 250

    @Option(help: "Samples per step.")
    var batch: Int = 8

    @Option(help: "Weight of the adversarial term (0: reconstruction only).")
    var adversarialWeight: Float = 1e-3

    @Option(help: "Weight of the gradient-pyramid perceptual stand-in.")
    var lambdaP: Float = 0.5

    @Option(help: "Weight of the structural term 1 − SSIM (at full and half resolution) added to Eq. 15 (0: off).")
    var lambdaSsim: Float = 0

    @Option(help: "Guidance of the mouth: none or lips (the audio-predicted lip geometry at the mouth; fenet-lips).")
    var guidance: String = "none"

    @Option(help: "With --guidance lips: audio (the lip model's prediction from the phones) or oracle (the frames' own landmark geometry: an upper bound of what the guidance can buy, for diagnosis only).")
    var lipTrack: String = "audio"

    @Option(help: "Weight of the L1 term inside the mouth mask (needs --guidance lips; 0: off).")
    var mouthWeight: Float = 0

    @Option(help: "Checkpoint file (default: OUT.ckpt).", completion: .file())
    var checkpoint: String?

    @Option(help: "Fine-tune: start the generator from this FE-Net model file (same architecture) instead of random weights; the discriminator starts fresh.", completion: .file())
    var from: String?

    @Option(help: "Reconstruction-only steps before the discriminator joins (default: 60 % of the steps; 0 with --from).")
    var warmupSteps: Int?

    @Flag(help: "Train without audio (the fenet-noaudio variant: every sample has the audio-absent flag).")
    var noAudio = false

    @Option(help: "Flow trunk: flow_net (FE-Net's own U-Net, trained) or rife (FE-Net v2: RIFE HDv3's pretrained IFNet, frozen; weights from scripts/setup.sh).")
    var trunk: String = "flow_net"

    @Option(help: "With --trunk rife: RIFE runs on the frames at 1/N of their side.")
    var trunkScale: Int = 2

    @Option(help: "Comma-separated folder prefixes whose clips train the visual path only.")
    var visualOnly: String = "faces-extra/"

    @Option(name: .customLong("visual-corpus"),
            help: ArgumentHelp("A further corpus of talking faces without usable audio (its own manifest.tsv gives person IDs), trained on the visual path only; repeatable. Its clips of validation or test persons are left out.",
                               valueName: "folder"),
            completion: .directory)
    var visualCorpora: [String] = []

    @Option(help: "Use at most this many frames of each clip.")
    var maxFrames: Int?

    @Option(help: "Longest gap trained on (dropped frames between the two neighbours; a clip's own length caps it too).")
    var maxGap: Int = 15

    @Option(help: "What one sample stands for: gaps (a gap of the drop process, P ∝ 0.87^x) or frames (a missing frame, the unit evaluate averages over: P ∝ x·0.87^x).")
    var gapWeighting: FENetGapSampler.Weighting = .gaps

    @Option(help: "Gaps of the fixed validation set scored every epoch (a multiple of 8; the first 64 are the same for any number). The default is quick but small: runs a few hundredths of a dB apart are not told apart by it; score more gaps, or compare runs with `evaluate --split validation --models DIR`.")
    var validationGaps: Int = 64

    @Option(help: "Progress line every N steps.")
    var logEvery: Int = 25

    @Option(help: "Stop after this step with the checkpoint written there and no model file (the schedule stays that of --steps); --resume continues.")
    var stopAfter: Int?

    @OptionGroup
    var threads: ThreadOptions<RestorationTrainingRole>

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions

    func validate() throws {
        guard [.train, .all].contains(corpusOptions.split) else { throw ValidationError("--split must be train or all") }
        let size = corpusOptions.size
        guard size >= 32, size <= 512, size % 16 == 0 else { throw ValidationError("--size must be a multiple of 16 in 32…512") }
        guard batch >= 1, stepsPerEpoch >= 1, logEvery >= 1, (steps ?? 1) >= 1, (stopAfter ?? 1) >= 1 else { throw ValidationError("counts must be positive") }
        guard batch <= 1024, stepsPerEpoch <= 10_000_000, training.epochs <= 1_000_000, (steps ?? 1) <= 100_000_000,
              training.epochs.multipliedReportingOverflow(by: stepsPerEpoch).partialValue <= 100_000_000 else {
            throw ValidationError("counts are too large: at most 100,000,000 steps of at most 1024 samples")
        }
        for (name, value) in [("--learning-rate", training.learningRate), ("--adversarial-weight", adversarialWeight), ("--lambda-p", lambdaP),
                              ("--lambda-ssim", lambdaSsim), ("--mouth-weight", mouthWeight)] where !value.isFinite || value < 0 {
            throw ValidationError("\(name) must be a finite number ≥ 0, got \(value)")
        }
        let perBatch = RestorationTrainingRun.Options.validationBatch
        guard validationGaps >= perBatch, validationGaps <= 65_536, validationGaps % perBatch == 0 else {
            throw ValidationError("--validation-gaps must be a multiple of \(perBatch) in \(perBatch)…65536, got \(validationGaps)")
        }
        guard (1...200).contains(maxGap) else { throw ValidationError("--max-gap must lie in 1…200, got \(maxGap)") }
        guard ["none", "lips"].contains(guidance) else { throw ValidationError("--guidance must be none or lips, got '\(guidance)'") }
        guard ["audio", "oracle"].contains(lipTrack) else { throw ValidationError("--lip-track must be audio or oracle, got '\(lipTrack)'") }
        if lipTrack == "oracle", guidance != "lips" { throw ValidationError("--lip-track oracle needs --guidance lips") }
        if mouthWeight > 0, guidance != "lips" { throw ValidationError("--mouth-weight needs --guidance lips (the mouth mask comes from it)") }
        guard FENetConfig.Trunk(rawValue: trunk) != nil else { throw ValidationError("--trunk must be flow_net or rife, got '\(trunk)'") }
        guard (1...8).contains(trunkScale) else { throw ValidationError("--trunk-scale must lie in 1…8") }
        guard training.learningRate > 0, training.learningRate < 1 else {
            throw ValidationError("--learning-rate must lie in (0, 1), got \(training.learningRate)")
        }
    }

    func run() throws {
        let ckptPath = checkpoint ?? training.out + ".ckpt"
        try outputs.adopt(inputs: [corpus, corpusOptions.manifest, from], outputs: [training.out, ckptPath],
                          resuming: training.resume && FileManager.default.fileExists(atPath: ckptPath) ? [ckptPath] : [])
        threads.configure()
        let total = steps ?? training.epochs * stepsPerEpoch
        let held = corpusOptions.split == .all
        let trainSide = try corpusOptions.select(corpus)
        let validationSide = held ? nil : try? corpusOptions.select(corpus, part: .validation)
        let testSide = held ? nil : try? corpusOptions.select(corpus, part: .test)
        let settings = FENetTrainingSettings(steps: total, batch: batch, learningRate: training.learningRate,
                                             warmupSteps: warmupSteps ?? (from == nil ? nil : 0),
                                             adversarialWeight: adversarialWeight, lambdaP: lambdaP, lambdaSSIM: lambdaSsim,
                                             lambdaMouth: mouthWeight, seed: training.seed)
        var visualOnlyPrefixes = visualOnly.split(separator: ",").map(String.init)
        var visualClips: [Clip] = []
        let heldOutPersons = Set(((validationSide?.clips ?? []) + (testSide?.clips ?? [])).map(\.person))
        for path in visualCorpora {
            let extra = try RestorationTraining.visualOnlyClips(of: try Corpus(path: path), heldOut: heldOutPersons)
            visualOnlyPrefixes.append(extra.prefix)
            visualClips += extra.clips
            Progress.log("train-restore: \(path): \(extra.clips.count) clip(s) of \(Set(extra.clips.map(\.person)).count) person(s) for the visual path"
                         + (extra.leftOut.isEmpty ? "" : "; left out \(extra.leftOut.count) of validation or test persons (\(Set(extra.leftOut.map(\.person)).sorted().joined(separator: ", ")))"))
        }
        var options = RestorationTrainingRun.Options(
            size: corpusOptions.size, noAudio: noAudio, visualOnly: visualOnlyPrefixes,
            maxFrames: maxFrames, stepsPerEpoch: stepsPerEpoch, logEvery: logEvery, outputPath: training.out,
            checkpointPath: checkpoint, resume: training.resume, fineTuneFrom: from, stopAfter: stopAfter, splitSeed: corpusOptions.splitSeed,
            command: CommandLine.arguments.joined(separator: " "))
        options.oracleTrack = lipTrack == "oracle"
        options.maxGap = maxGap
        options.gapWeighting = gapWeighting
        options.validationGaps = validationGaps
        var config = FENetConfig()
        var rife: IFNet?
        if FENetConfig.Trunk(rawValue: trunk) == .rife {
            config = config.withRIFETrunk(scale: trunkScale)
            rife = try IFNet.load(path: try ModelLocator.forProcess().restorationModelPath(for: "rife"))
        }
        var guide: LipGuidanceSource?
        if guidance == "lips" {
            config = config.withLipGuidance()
            guide = LipGuidanceSource.make(locator: ModelLocator.forProcess())
        }
        let run = try RestorationTrainingRun(settings: settings, options: options, config: config, trunk: rife, guidance: guide)
        try run.run(train: trainSide.clips + visualClips, validation: validationSide?.clips ?? [], test: testSide?.clips ?? [],
                    log: { Progress.log($0) })
    }
}
