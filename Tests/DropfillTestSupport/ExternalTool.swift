import Foundation

/// Runs installed command-line tools (ffmpeg, ffprobe) from tests.
public enum ExternalTool {
    /// Runs `tool` and returns its stdout as text; nil when the tool is missing.
    public static func run(_ tool: String, _ arguments: [String]) throws -> String? {
        try runData(tool, arguments).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `tool` and returns its raw stdout (stderr discarded); nil when the tool is missing.
    public static func runData(_ tool: String, _ arguments: [String]) throws -> Data? {
        guard let exe = Prerequisite.tool(tool) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }
}

extension ExternalTool {
    /// The start_time of the first video and audio streams of `path` by ffprobe (NaN where missing): A/V offsets in tests.
    public static func streamStartTimes(_ path: String) throws -> (video: Double, audio: Double) {
        let out = try run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,start_time", "-of", "csv=p=0", path]) ?? ""
        var video = Double.nan, audio = Double.nan
        for line in out.split(separator: "\n") {
            let cells = line.split(separator: ",")
            guard cells.count == 2, let t = Double(cells[1]) else { continue }
            if cells[0] == "video", video.isNaN { video = t } else if cells[0] == "audio", audio.isNaN { audio = t }
        }
        return (video, audio)
    }
}
