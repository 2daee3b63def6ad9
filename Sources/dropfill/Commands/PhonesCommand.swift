import ArgumentParser
import Foundation
import Media
import Phonetics
import Pipeline

/// `dropfill phones`: the phones pocketsphinx hears in a file's audio, with timings and their mouth-shape classes.
struct PhonesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phones",
        abstract: "Decode the phones of a file's audio (pocketsphinx, en-us) and their mouth-shape classes.",
        discussion: """
            Phone decoding with Debian's pocketsphinx-en-us (allphone search over the phonetic bigram shipped in SampleData/models, made from Debian's en-us phonetic trigram, which is used when the bigram is not found; context-independent phones), the audio cue the lip-geometry aligner uses. Prints how long decoding took, the share of each mouth-shape class over the video's slots, and the phones with their times.

            Examples:
              dropfill phones SampleData/grid-bbaf2n.mp4
              dropfill phones clip.mp4 --json | jq '.phones | length'
            """
    )

    @Argument(help: "The media file (any container FFmpeg reads).", completion: .file())
    var file: String

    @Option(help: "Frame rate of the slots the classes are counted over.")
    var fps: Double = 30

    @Option(help: "How many phones to list (0: all).")
    var limit: Int = 40

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Report: Encodable {
        var file: String
        var seconds: Double
        var decodeSeconds: Double
        /// The decoder's settings (`PhoneRecognizer.settingsTag`), as the lip model records them.
        var decoder: String
        var speechShare: Double
        var visemeShare: [String: Double]
        var phones: [PhoneSegment]
    }

    func run() throws {
        let audio = try AudioDecoder.decode(path: file)
        let began = Date()
        let recognizer = ModelLocator.forProcess().phoneRecognizer()
        let phones = try recognizer.decode(samples: audio.samples, sampleRate: audio.sampleRate)
        let elapsed = Date().timeIntervalSince(began)
        let n = Int((audio.duration * fps).rounded())
        let cues = try SlotAudio(track: audio, fps: fps, slotCount: n).cues(phones: phones)
        let v = Viseme.allCases.count
        var share = [String: Double]()
        for c in Viseme.allCases {
            share[c.description] = n > 0 ? (0..<n).reduce(0.0) { $0 + Double(cues.visemes[$1 * v + c.rawValue]) } / Double(n) : 0
        }
        let report = Report(file: file, seconds: audio.duration, decodeSeconds: elapsed, decoder: recognizer.settingsTag, speechShare: cues.speechShare,
                            visemeShare: share, phones: phones)
        if json {
            try printJSON(report)
            return
        }
        print("file        \(file)")
        print(String(format: "audio       %.2f s, decoded in %.2f s (%.3f× real time), %d phones", audio.duration, elapsed,
                     elapsed / max(audio.duration, 1e-9), phones.count))
        print("decoder     pocketsphinx en-us allphone, \(recognizer.settingsTag)")
        print(String(format: "speech      %.0f%% of %d slots at %g fps", 100 * cues.speechShare, n, fps))
        print("classes     " + Viseme.allCases.map { String(format: "%@ %.0f%%", $0.description, 100 * (share[$0.description] ?? 0)) }
            .joined(separator: ", "))
        let shown = limit > 0 ? Array(phones.prefix(limit)) : phones
        print("phones      " + shown.map { String(format: "%@ %.2f", $0.phone, $0.start) }.joined(separator: " "))
    }
}
