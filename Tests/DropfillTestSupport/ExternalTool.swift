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
