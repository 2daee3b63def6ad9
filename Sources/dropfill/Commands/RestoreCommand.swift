import Pipeline
import ArgumentParser
import Corpus
import Evaluation
import Foundation
import Media
import Restoration

/// `dropfill restore`: the main job — a frame-dropped video in, the full video out.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the frames a video lost: place the surviving frames, synthesize every gap, write the full video.",
        discussion: """
            Positions of the surviving frames (--positions):
              auto        timestamps when they span the audio (a file that kept
                          them), else the aligner (--aligner)
              timestamps  the file's timestamps; an error if they are missing or
                          inconsistent
              aligner     always the aligner
              FILE        a truth file written by `dropfill drop` (experiments)

            The output has the original frame rate (the timestamps' nominal interval, or --fps) and the complete audio. Frames before the first or after the last surviving frame can only be held; the summary says how many. Learned methods (fenet) restore the face square and paste it into the full frame with a feathered seam, over the outside restored by --outside. Slot 0 is the audio's start: a video that starts after its audio keeps that offset, and its frames count from the slot where it starts.

            Examples:
              dropfill drop clip.mp4 -o d.mp4 --rate 0.87 --timestamps keep
              dropfill restore d.mp4 -o r.mp4 --method fenet
              dropfill restore d.mp4 -o r.mp4 --positions d.truth.json --frames pngs/
            """
    )

    @Argument(help: "The frame-dropped video.", completion: .file())
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the restored video (.mp4, .mkv, .mov).", completion: .file())
    var output: String

    @Option(name: .customLong("method"), help: ArgumentHelp("Restoration method. Default: \(RestorerFactory.defaultMethod), first in README's held-out table.", valueName: "method"))
    var methodName = MethodName(RestorerFactory.defaultMethod)

    @Option(name: .customLong("positions"), help: ArgumentHelp("Positions of the surviving frames (see above).", valueName: "positions"))
    var positionChoice: PositionChoice = .auto

    @Option(name: .customLong("aligner"), help: ArgumentHelp("Aligner used when positions are estimated. Default: aligner, the best on the validation persons as the model file records it (see README); visual when no Ali-Net model is found.", valueName: "aligner"))
    var alignerName: AlignerName = .best

    @Option(help: "Ali-Net model file (default: SampleData/models/alinet.safetensors).", completion: .file())
    var alignerModel: String?

    @Option(help: "Folder (or file) of the FE-Net models (default: SampleData/models).", completion: .directory)
    var models: String?

    @Option(help: "Side of the face square a learned method restores (it is pasted back into the full frame).")
    var faceSize: Int = 256

    @Flag(help: "Run a learned method on the whole frame instead of the face square.")
    var wholeFrame = false

    @Option(help: "How the frame outside a learned method's face square is restored: adaptive (cross-fade where the neighbours agree, the nearer one where they differ: no double edges), blend, hold.")
    var outside: OutsideMethod = .adaptive

    @Option(help: "Frame rate of the original video (default: from the timestamps, else the stream's rate).")
    var fps: Double?

    @Option(help: "Also write every output frame as PNG into this folder.", completion: .directory)
    var frames: String?

    @Option(help: "x264 quality of the output (0 lossless … 51 worst).")
    var crf: Int = 18

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions
    @Flag(help: "Re-encode the audio (mono AAC) instead of copying the input's audio stream untouched.")
    var reencodeAudio = false
    /// The options' names as the engine takes them.
    var method: String { methodName.name }
    var positions: String { positionChoice.description }
    var aligner: String { alignerName.name }

    func validate() throws {
        if let fps, !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must lie in (0, 1000]") }
        guard (0...51).contains(crf) else { throw ValidationError("--crf must lie in 0…51") }
        guard faceSize >= 32 && faceSize <= 1024 else { throw ValidationError("--face-size must lie in 32…1024") }
    }

    func run() throws {
        let truthInput = ["auto", "timestamps", "aligner"].contains(positions) ? nil : positions
        try outputs.adopt(inputs: [input, truthInput, alignerModel, models], outputs: [output])
        let progress = ProgressLine()
        let source: PositionSource = switch positions {
        case "auto": .auto
        case "timestamps": .timestamps
        case "aligner": .aligner
        default: .truthFile(positions)
        }
        let locator = ModelLocator.forProcess(alignerModel: alignerModel, models: models)
        let factory = RestorerFactory(locator: locator, faceSize: faceSize, wholeFrame: wholeFrame, outside: outside)
        let (clipAligner, fallbackNote) = try AlignerCatalog.makeOrFallBack(aligner, locator: locator)
        if let fallbackNote { progress.note("note: \(fallbackNote)") }
        let options = RestoreOptions(positions: source, frameRate: fps, framesDirectory: frames, crf: crf, reencodeAudio: reencodeAudio)
        let clip = try DroppedClip.open(path: input, truthPath: options.truthPath, fps: fps,
                                        findFace: factory.usesFaceSquare(method) || clipAligner.usesContent) { progress.update($0) }
        let summary = try RestorePipeline.run(clip: clip, output: output, options: options, method: method, factory: factory,
                                              aligner: clipAligner) { progress.update($0) }
        progress.finish()
        if json { try printJSON(summary); return }
        // Name the estimator that placed the frames ("posterior-visual"), not the catalog entry ("aligner").
        let from = summary.positionsFrom == clipAligner.name ? AlignerNames.label(of: clipAligner) : summary.positionsFrom
        print("restored \(summary.output): \(summary.frames) frames at \(summary.frameRate) fps from \(summary.survivors) surviving " +
              "(\(summary.restoredFrames) synthesized by \(summary.method), positions from \(from))")
        let speed = EvaluationReport.speedText(frames: summary.restoredFrames, seconds: summary.restoreSeconds)
        print(String(format: "took %.1f s (restoration %.1f s, %@ frames/s)", summary.seconds, summary.restoreSeconds,
                     speed == "—" ? "too fast to time:" : speed).replacingOccurrences(of: ", too fast to time: frames/s", with: ", too fast to time"))
        for note in summary.notes { print("note: \(note)") }
    }
}
