import Pipeline
import Alignment
import ArgumentParser
import Corpus
import Foundation
import Metrics
import Tensor

/// `dropfill align`: where each surviving frame of a dropped video belongs among the original frame slots.
struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Estimate the original slot of every surviving frame of a video that lost frames.",
        discussion: """
            The slot grid follows the one rule restore uses: fps from --fps, else the truth file, else the stream's declared rate when the timestamps agree with it; n from --slots, else the truth file, else the frames the timestamps imply when they span the audio, else the longer of the audio (round(duration × fps)) and the timestamps. Aligners: aligner (default: what the validation persons chose, as the model files record it — today posterior-lips; posterior-visual without a lip model), posterior-lips (Ali-Net distances, the lip geometry the audio's phones predict against the survivors' dlib landmarks, and the picture change, in one posterior), lips-visual (the same without Ali-Net), posterior-visual (Ali-Net distances and the picture change, each frame at its posterior median slot), posterior (Ali-Net distances alone), dp-prior (the DP of Eq. 10 with both transition costs: gap prior and visual continuity), dp-gap (gap prior only), dp (the paper's Eq. 10), threshold (Ali-Net_threshold), visual (the picture change between survivors alone, no model), uniform (even spread), timestamps (the frames' own timestamps, when the file kept them). Ali-Net aligners read --model, else SampleData/models/alinet.safetensors. With --truth (written by `dropfill drop`), the position bias Ali_b and the share of frames placed exactly are printed too.

            Examples:
              dropfill drop SampleData/grid-bbaf2n.mp4 -o dropped.mp4 --rate 0.87 \\
                  --timestamps strip
              dropfill align dropped.mp4 --truth dropped.truth.json
              dropfill align dropped.mp4 --aligner dp --json
            """
    )

    @Argument(help: "The video that lost frames (with its complete audio).", completion: .file())
    var dropped: String

    @Option(name: .customLong("aligner"), help: ArgumentHelp("Aligner (see above).", valueName: "aligner"))
    var alignerName: AlignerName = .best

    /// The aligner's name as the catalog takes it.
    var aligner: String { alignerName.name }

    @Option(help: "Ali-Net model file (default: the shipped SampleData/models/alinet.safetensors).", completion: .file())
    var model: String?

    @Option(help: "Frame rate of the original video (default: the file's nominal rate).")
    var fps: Double?

    @Option(help: "Number of original frame slots (default: audio duration × fps).")
    var slots: Int?

    @Option(help: "Truth file of the drop, to report Ali_b.", completion: .file())
    var truth: String?

    @Option(help: "Side of the square face crop, pixels.")
    var size: Int = 256

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Output: Encodable {
        var file: String
        var aligner: String
        var fps: Double
        var slots: Int
        /// The video's first slot on the audio's grid (1 for a video that starts one frame after its audio).
        var firstSlot: Int
        var survivors: Int
        var positions: [Int]
        var positionBias: Int?
        var exactShare: Double?
        var seconds: Double
    }

    func validate() throws {
        if let slots, !(1...TruthFile.maxFrameCount).contains(slots) {
            throw ValidationError("--slots must lie in 1…\(TruthFile.maxFrameCount), got \(slots)")
        }
        if let fps, !(fps.isFinite && fps > 0 && fps < 1000) { throw ValidationError("--fps must lie in (0, 1000), got \(fps)") }
        guard (16...1024).contains(size) else { throw ValidationError("--size must lie in 16…1024, got \(size)") }
    }

    func run() throws {
        Parallel.configureDefaultThreads()
        let clipAligner = try AlignerCatalog.make(aligner, locator: .forProcess(alignerModel: model))
        let clip = try DroppedClip.open(path: dropped, fps: fps, slots: slots, findFace: clipAligner.usesContent)
        if let note = clip.grid.lengthNote { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let start = Date()
        let estimate = try clip.align(with: clipAligner)
        let seconds = Date().timeIntervalSince(start)
        var bias: PositionBias?
        if let truth {
            let t = try TruthFile.load(path: truth)
            guard t.positions.count == estimate.positions.count else {
                throw CorpusError.io(path: truth, reason: "lists \(t.positions.count) surviving frames but \(dropped) has \(estimate.positions.count)")
            }
            bias = try PositionBias(predicted: estimate.positions, truth: t.positions)
        }
        let out = Output(file: dropped, aligner: aligner, fps: clip.fps, slots: clip.slotCount, firstSlot: clip.grid.firstVideoSlot, survivors: clip.survivorCount,
                         positions: estimate.positions, positionBias: bias?.total, exactShare: bias?.exactShare, seconds: seconds)
        if json { try printJSON(out); return }
        print("\(dropped): \(out.survivors) surviving frames in \(out.slots) slots at \(String(format: "%.3f", out.fps)) fps, aligner \(aligner)")
        if out.firstSlot > 0 {
            print(String(format: "slot 0 is the audio's start; the video starts at slot %d (%.3f s after its audio)", out.firstSlot,
                         Double(out.firstSlot) / out.fps))
        }
        print("frame  slot")
        for (i, s) in estimate.positions.enumerated() { print(String(format: "%5d  %4d", i, s)) }
        if let bias {
            print(String(format: "Ali_b %d (sum of |s - s'|), %.1f%% placed exactly", bias.total, 100 * bias.exactShare))
        }
        print(String(format: "alignment took %.3f s (after decoding)", seconds))
    }
}
