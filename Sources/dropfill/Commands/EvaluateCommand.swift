import Evaluation
import Pipeline
import ArgumentParser
import Corpus
import Foundation
import Landmarks
import Media
import Metrics
import Restoration
import SafeOutput

/// What `evaluate` does with a corpus: it scores all of it unless `--split` picks a part.
enum Scoring: CorpusRole {
    static let split = CorpusPart.all
    static let splitHelp = "Score only this part of the person-disjoint split."
    static let size = 256
    static let sizeHelp = "Side of the square frames, pixels."
}

/// `dropfill evaluate`: drop frames, restore them with every method, score them against the truth.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score restoration methods (and aligners) on a clip or a corpus against the ground truth.",
        discussion: """
            For every clip and seed: simulate frame loss (as `dropfill drop` does), restore the missing frames with each method, and score PSNR / SSIM / MS-SSIM over the restored frames only (surviving frames are copies and never count). The table gives the mean over clips × seeds with its 95% interval (1.96·s/√N), the mean over dropped frames with speech, and restoration speed. With --positions auto, the positions come from an aligner instead of the truth and the position bias Ali_b is reported as in the paper's Table III.

            Frames are cut to a square face crop (one box per clip, Haar cascade) of --size pixels, like the paper's 256×256 face crops. Metrics: RGB, after 8-bit rounding (--convention to change).

            Results are kept one line per clip in a state folder (--state, default under ~/.cache/dropfill), so an interrupted run resumes where it stopped. Large corpora: run shards on many machines and merge, e.g.
              sbatch --array=0-31 --wrap \\
                'dropfill evaluate vox/ --shard $SLURM_ARRAY_TASK_ID/32 --state ev'
              parallel dropfill evaluate vox/ --shard {}/8 --state ev ::: {0..7}
              dropfill evaluate --merge ev

            Examples:
              dropfill evaluate SampleData/grid-bbaf2n.mp4 --rate 0.87
              dropfill evaluate ../shared/data --seeds 5 --csv scores.csv --json
              dropfill evaluate clip.mp4 --sweep 0.5,0.75,0.875,0.9375 --plot fig12.png
              dropfill evaluate clip.mp4 --positions auto --aligner uniform
            """
    )

    @Argument(help: "A clip, or a folder of clips (a manifest.tsv there gives person IDs).", completion: .file())
    var input: String?

    @Option(help: "Fraction of frames dropped, in (0, 1).")
    var rate: Double = 0.87

    @Option(help: "Loss model.")
    var model: DropModel = .bernoulli

    @Option(help: "Mean burst length for --model burst.")
    var burstLength: Double?

    @Option(help: "First drop seed.")
    var seed: UInt64 = 0

    @Option(help: "Drop patterns per clip (seeds seed, seed+1, …).")
    var seeds: Int = 1

    @Option(help: "Comma-separated restoration methods.")
    var methods = MethodList(RestorerCatalog.classical)

    @Option(help: "Folder with fenet.safetensors / fenet-noaudio.safetensors (default: the shipped SampleData/models).", completion: .directory)
    var models: String?

    @Option(help: "Positions of the surviving frames: the truth, or auto (estimated by --aligner).")
    var positions: EvaluationPositions = .truth

    @Option(help: "Aligner for --positions auto.")
    var aligner: AlignerName = .best

    @Option(help: "Ali-Net model file for --aligner (default: SampleData/models/alinet.safetensors).", completion: .file())
    var alignerModel: String?

    @Option(help: "Frame crop.")
    var crop: ClipPreparation.Crop = .face

    @Flag(help: "Score full frames at native size as `restore` writes them (learned methods on the face square, pasted over --outside): PSNR/SSIM of the whole frame and of its face square, and sharpness (variance of the Laplacian) restored against truth. No state folder; --seeds, --rate, --max-frames apply.")
    var fullFrame = false

    @Option(help: "How the frame outside a learned method's face square is restored (with --full-frame; restore uses adaptive).")
    var outside: OutsideMethod = .adaptive

    @Option(help: "Use at most this many frames of each clip.")
    var maxFrames: Int?

    @Option(help: "Metric colour convention: RGB, or BT.601 luma (Y).")
    var convention: ConventionChoice = .rgb

    @Flag(help: "Compare the raw Float frames instead of rounding both to 8 bits first.")
    var noRounding = false

    @Option(help: "Repeat over these drop rates (comma-separated) and draw the paper's Fig. 12 with --plot.")
    var sweep: String?

    @Option(help: "Write one CSV row per clip, seed and method to this file.", completion: .file())
    var csv: String?

    @Option(help: "Write a PNG plot of PSNR against drop rate (with --sweep).", completion: .file())
    var plot: String?

    @Option(help: "Folder that keeps per-clip results for resuming (default: ~/.cache/dropfill/evaluate/<settings>).", completion: .directory)
    var state: String?

    @Option(help: "Score only shard i of n (i/n), for running a corpus on many machines.")
    var shard: String?

    @Option(help: "Combine the results of every shard in this state folder into one table (no scoring).", completion: .directory)
    var merge: String?

    @OptionGroup(title: "Corpus")
    var corpusOptions: CorpusOptions<Scoring>

    @Flag(help: "Also score the mouth: PSNR/SSIM in the true frame's mouth box and LMD (dlib landmarks), over all restored frames and where the mouth moves.")
    var mouth = false

    @Option(help: "Lip track of the methods guided at the mouth (fenet-lips): audio (predicted from the phones, as restore does) or oracle (the true frames' own landmark geometry: an upper bound of what the guidance can buy, for diagnosis; their rows are named METHOD+oracle).")
    var lipTrack: LipTrackSource = .audio

    /// Where the guided methods' lip track comes from.
    enum LipTrackSource: String, ExpressibleByArgument, CaseIterable {
        case audio, oracle
    }

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions

    func validate() throws {
        if merge == nil && input == nil { throw ValidationError("give a clip or corpus folder, or --merge DIR") }
        guard rate > 0 && rate < 1 else { throw ValidationError("--rate must lie in (0, 1), got \(rate)") }
        guard seeds >= 1, seeds <= 1000 else { throw ValidationError("--seeds must lie in 1…1000, got \(seeds)") }
        if plot != nil && sweep == nil { throw ValidationError("--plot needs --sweep (a plot of one rate has one point per method)") }
    }

    func run() throws {
        let plan = try outputs.adopt(inputs: [input, corpusOptions.manifest, alignerModel, models, merge], outputs: [csv, plot])
        let progress = ProgressLine()
        if let merge {
            let results = try EvaluationStore.merge(directory: URL(fileURLWithPath: merge))
            let settings = try Self.storedSettings(URL(fileURLWithPath: merge))
            try output([EvaluationReport(settings: settings, results: results)], results: [results])
            return
        }
        guard let input else { return }
        let corpus = try corpusOptions.select(input)
        for clip in corpus.clips { plan.addInput(clip.path) }
        let locator = ModelLocator.forProcess(alignerModel: alignerModel, models: models)
        if fullFrame {
            try runFullFrame(corpus.clips, locator: locator, progress: progress)
            return
        }
        // The harness's frames are already face squares: every method runs on them as they are (no paste-back).
        let factory = RestorerFactory(locator: locator, wholeFrame: true)
        let restorers = try RestorerCatalog.names(list: methods.description).map { try factory.make($0, faceBox: nil) }
        let clipAligner = positions == .auto ? try AlignerCatalog.make(aligner.name, locator: locator) : nil
        let rates = try sweep.map { s in
            try s.split(separator: ",").map { part -> Double in
                guard let r = Double(part.trimmingCharacters(in: .whitespaces)), r > 0, r < 1 else {
                    throw ValidationError("--sweep rates must lie in (0, 1), got \(part)")
                }
                return r
            }
        } ?? [rate]
        var reports: [EvaluationReport] = [], all: [[ClipResult]] = []
        for r in rates {
            let settings = EvaluationSettings(
                drop: DropSettings(model: model, rate: r, seed: seed, burstLength: burstLength), seeds: seeds,
                preparation: ClipPreparation(crop: crop, size: corpusOptions.size, maxFrames: maxFrames),
                convention: MetricConvention(color: convention.color, roundTo8Bit: !noRounding),
                positions: positions == .truth ? "truth"
                    : (clipAligner.map(AlignerNames.label(of:)) ?? aligner.name) + (alignerModel.map { " @" + $0 } ?? ""))
            let fingerprints = EvaluationStateKey.modelFingerprints(
                locator: .forProcess(alignerModel: alignerModel, models: models), restorers: restorers.map(\.name),
                aligner: positions == .auto ? aligner.name : nil)
            let key = EvaluationStateKey(settings: settings, corpus: corpus.root,
                                         methods: restorers.map { Evaluator.label(of: $0.name, oracle: lipTrack == .oracle) },
                                         modelFiles: fingerprints, mouth: mouth ? true : nil)
            let folder = state.map { URL(fileURLWithPath: $0).appendingPathComponent(rates.count > 1 ? "rate-\(r)" : ".") }
                ?? Self.defaultStateRoot.appendingPathComponent(key.hash)
            let store = EvaluationStore(directory: folder.standardizedFileURL, shard: try shard.map { try EvaluationStore.Shard(parsing: $0) })
            try store.open(settings: key)
            progress.note("evaluate: rate \(r), \(corpus.clips.count) clip(s) × \(seeds) seed(s); results kept in \(store.directory.path)")
            var evaluator = Evaluator(settings: settings, restorers: restorers, aligner: clipAligner)
            if mouth { evaluator.mouthDetector = try LandmarkDetector.shared() }
            evaluator.lipGuidance = factory.lipGuidance(for: restorers.map(\.name))
            evaluator.oracleLipTrack = lipTrack == .oracle
            let results = try evaluator.run(clips: corpus.clips, store: store) { p in
                progress.update("[\(p.done)/\(p.total)] \(p.current)")
            }
            progress.finish()
            reports.append(try EvaluationReport(settings: settings, results: results))
            all.append(results)
        }
        try output(reports, results: all)
        if let plot {
            try PNGImage.write(try EvaluationReport.sweepPlot(reports), to: plot)
            progress.note("plot written to \(plot)")
        }
    }

    /// `--full-frame`: every clip × seed scored whole and in its face square, with sharpness (`FullFrameEvaluation`).
    private func runFullFrame(_ clips: [Clip], locator: ModelLocator, progress: ProgressLine) throws {
        let factory = RestorerFactory(locator: locator, outside: outside)
        let names = try RestorerCatalog.names(list: methods.description)
        var results: [FullFrameResult] = []
        for (i, clip) in clips.enumerated() {
            for s in 0..<UInt64(seeds) {
                progress.update("[\(i * seeds + Int(s))/\(clips.count * seeds)] full frames of \(clip.relativePath) seed \(seed &+ s)")
                results.append(try FullFrameEvaluation.evaluate(
                    clip, drop: DropSettings(model: model, rate: rate, seed: seed &+ s, burstLength: burstLength), methods: names,
                    factory: factory, convention: MetricConvention(color: convention.color, roundTo8Bit: !noRounding), maxFrames: maxFrames))
            }
        }
        progress.finish()
        if json { try printJSON(results) } else { print(FullFrameEvaluation.text(results, outside: outside)) }
    }

    private func output(_ reports: [EvaluationReport], results: [[ClipResult]]) throws {
        if let csv {
            let text = EvaluationReport.csv(results.flatMap { $0 })
            try OutputFile.write(Data(text.utf8), to: csv)
        }
        if json {
            if reports.count == 1, let only = reports.first { try printJSON(only) } else { try printJSON(reports) }
        } else {
            print(reports.map { $0.text() }.joined(separator: "\n\n"))
        }
    }

    /// `~/.cache/dropfill/evaluate` (or `$XDG_CACHE_HOME/dropfill/evaluate`).
    static var defaultStateRoot: URL {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("dropfill/evaluate")
    }

    /// The settings stored in a state folder.
    static func storedSettings(_ folder: URL) throws -> EvaluationSettings {
        let data = try Data(contentsOf: folder.appendingPathComponent("settings.json"))
        return try JSONDecoder().decode(EvaluationStateKey.self, from: data).settings
    }
}
