import ArgumentParser
import Foundation
import Media

/// `dropfill probe`: what a media file holds, and where its timestamps show dropped frames.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Report a file's streams, exact frame and sample counts, and timestamp gaps.",
        discussion: """
            Every frame and audio packet is decoded, so the counts are exact (like ffprobe -count_frames). A gap is an interval between consecutive frame timestamps longer than 1.5 nominal intervals (the median interval): the signature of frames dropped before the file was written.

            Examples:
              dropfill probe SampleData/grid-bbaf2n.mp4
              dropfill probe dropped.mp4 --json | jq '.timestampGaps | length'
            """
    )

    @Argument(help: "The media file (any container FFmpeg reads).", completion: .file())
    var file: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let info = try MediaInfo.probe(path: file)
        if json {
            try printJSON(info)
        } else {
            print(ProbeReport.text(for: info))
        }
    }
}

/// The human-readable form of `MediaInfo`.
enum ProbeReport {
    static func text(for info: MediaInfo) -> String {
        var lines: [String] = []
        lines.append("file        \(info.path)")
        lines.append("container   \(info.container), \(info.fileSize) bytes, \(String(format: "%.3f", info.duration)) s")
        if let v = info.video {
            lines.append("video       #\(v.index) \(v.codec) \(v.width)×\(v.height) \(v.pixelFormat), \(v.frameRate) fps (average \(String(format: "%.3f", v.averageFrameRate.value)))")
            lines.append("frames      \(info.frameCount) decoded" + (v.declaredFrameCount > 0 ? ", \(v.declaredFrameCount) declared" : ""))
        } else {
            lines.append("video       none")
        }
        if let a = info.audio {
            lines.append("audio       #\(a.index) \(a.codec) \(a.sampleRate) Hz, \(a.channels) channel(s), \(info.audioSampleCount) samples (\(info.audioSampleCount16k) at 16 kHz mono)")
        } else {
            lines.append("audio       none")
        }
        if let interval = info.nominalFrameInterval {
            lines.append("interval    \(String(format: "%.4f", interval)) s nominal (\(String(format: "%.3f", 1 / interval)) fps)")
        }
        if info.timestampGaps.isEmpty {
            lines.append("gaps        none")
        } else {
            lines.append("gaps        \(info.timestampGaps.count), \(info.missingFrames) frames missing")
            for g in info.timestampGaps.prefix(20) {
                lines.append(String(format: "            before frame %d: %.3f s → %.3f s, %d missing", g.afterFrame, g.from, g.to, g.missingFrames))
            }
            if info.timestampGaps.count > 20 { lines.append("            … \(info.timestampGaps.count - 20) more (use --json)") }
        }
        if info.framesWithoutTimestamp > 0 { lines.append("untimed     \(info.framesWithoutTimestamp) frames without a timestamp") }
        if info.damagedPackets > 0 { lines.append("damaged     \(info.damagedPackets) packets could not be decoded") }
        return lines.joined(separator: "\n")
    }
}
