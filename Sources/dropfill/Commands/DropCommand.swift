import ArgumentParser
import Corpus
import Foundation
import Media

/// `dropfill drop`: simulate frame loss on a clip, keeping its complete audio, and record the truth.
struct DropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Drop frames from a clip (simulated transmission loss) and write the truth file.",
        discussion: """
            Writes OUTPUT with the surviving frames and the COMPLETE audio (decoded at the source's own sample rate, mono, re-encoded as AAC), and OUTPUT's truth file (OUTPUT with its extension replaced by .truth.json):
            source, original frame count, frame rate, size, drop model, rate, seed and the original slot of every surviving frame. The first and the last frame always survive.

            Models:
              bernoulli   each frame is lost independently with probability RATE
              burst       Gilbert–Elliott bursts: mean burst length L (--burst-length, default 2/(1−RATE)),
                          stationary loss rate RATE; L must be at least RATE/(1−RATE)
              every       keep 1 frame in k = round(1/(1−RATE)) (RATE ≥ 1/3)

            Timestamps:
              keep        surviving frames keep their original times (variable frame rate; gaps visible to probe)
              strip       surviving frames back to back at the original frame rate (positions unknown: the
                          paper's setting; the video is then shorter than the audio)

            Examples:
              dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87
              dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87 --model burst \\
                  --burst-length 12 --seed 3
              dropfill drop clip.mp4 -o vfr.mp4 --rate 0.5 --timestamps keep --json
            """
    )

    @Argument(help: "The clip to drop frames from (any container FFmpeg reads).", completion: .file())
    var input: String

    @Option(name: [.short, .customLong("output")], help: "The frame-dropped video to write (.mp4, .mkv, .mov).", completion: .file())
    var output: String

    @Option(help: "Share of frames to drop, strictly between 0 and 1 (the paper uses 0.87).")
    var rate: Double

    @Option(help: "Drop model: bernoulli, burst or every.")
    var model: DropModel = .bernoulli

    @Option(help: "Seed of the drop mask (same seed, same frames dropped).")
    var seed: UInt64 = 0

    @Option(help: "Timestamps of the surviving frames: keep (original times) or strip (constant frame rate).")
    var timestamps: TimestampMode = .strip

    @Option(help: "Mean burst length in frames, for --model burst (default 2/(1−RATE)).")
    var burstLength: Double?

    @Option(help: "x264 quality of the output (0 lossless … 51 worst).")
    var crf: Int = 18

    @Option(help: "Where to write the truth file (default: OUTPUT with .truth.json).", completion: .file())
    var truth: String?

    @Flag(help: "Print the truth file as JSON instead of a summary.")
    var json = false

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions

    func validate() throws {
        guard rate > 0, rate < 1 else { throw ValidationError("--rate must lie strictly between 0 and 1, got \(rate)") }
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be 0…51") }
        if burstLength != nil && model != .burst { throw ValidationError("--burst-length applies to --model burst only") }
    }

    func run() throws {
        try outputs.adopt(inputs: [input], outputs: [output, truth ?? TruthFile.defaultPath(forVideo: output)])
        let settings = DropSettings(model: model, rate: rate, seed: seed, burstLength: burstLength)
        let progress = Progress()
        let result = try FrameDropper.drop(input: input, output: output,
                                           options: .init(settings: settings, timestamps: timestamps, crf: crf),
                                           truthPath: truth) { done, total in progress.update(done, total) }
        progress.finish()
        if json {
            try printJSON(result)
        } else {
            let kept = result.positions.count
            print("wrote \(output): \(kept) of \(result.originalFrameCount) frames kept "
                + String(format: "(drop rate %.3f realised, %.3f asked; model %@, seed %llu, timestamps %@)",
                         1 - Double(kept) / Double(result.originalFrameCount), rate, model.rawValue, seed, timestamps.rawValue))
            print("truth \(truth ?? TruthFile.defaultPath(forVideo: output))")
        }
    }

    /// Frame progress on stderr, about once a second, for inputs longer than a few seconds.
    final class Progress {
        private var last = Date()
        private var shown = false

        func update(_ done: Int, _ total: Int) {
            guard total >= 250, Date().timeIntervalSince(last) >= 1 || done == total else { return }
            last = Date()
            shown = true
            FileHandle.standardError.write(Data("\rdrop: frame \(done)/\(total) (\(100 * done / max(1, total))%)".utf8))
        }

        func finish() {
            if shown { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
