import DropfillTestSupport
import Foundation
@testable import Media

/// Small clips made on the fly, external tools, and a scratch folder for the Media tests.
enum MediaFixtures {
    /// A new empty folder under the system temporary directory; its name has a space and non-ASCII letters.
    static func scratch(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill tests ü/\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The repository root (two levels above this file's folder).
    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// The bundled sample clip.
    static var sample: String { repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path }

    /// The shared real clips, when present beside the repository (CI has a copy of shared/).
    static func sharedClip(_ relative: String) -> String? { Prerequisite.sharedClip(relative) }

    /// A frame of a smooth pattern that moves with `index` (a gradient plus a soft moving disc).
    static func movingFrame(width: Int, height: Int, index: Int) throws -> VideoFrame {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let cx = Double(width) * (0.3 + 0.02 * Double(index % 20)), cy = Double(height) * 0.5
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - cx, dy = Double(y) - cy
                let disc = exp(-(dx * dx + dy * dy) / (2 * 12 * 12))
                let o = (y * width + x) * 3
                rgb[o] = UInt8(min(255, 40 + 150 * Double(x) / Double(width) + 60 * disc))
                rgb[o + 1] = UInt8(min(255, 60 + 120 * Double(y) / Double(height) + 40 * disc))
                rgb[o + 2] = UInt8(min(255, 90 + 100 * disc))
            }
        }
        return try VideoFrame(width: width, height: height, rgb: rgb, index: index)
    }

    /// A 440 Hz tone of `seconds` at `rate`.
    static func tone(seconds: Double, rate: Int = 16_000) -> AudioTrack {
        let n = Int(seconds * Double(rate))
        return AudioTrack(samples: (0..<n).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))) }, sampleRate: rate)
    }

    /// Writes a generated clip and returns its frames.
    @discardableResult
    static func writeClip(_ path: String, frames: Int, width: Int = 96, height: Int = 64, fps: Rational = Rational(25, 1),
                          audio: Bool = true, crf: Int = 12) throws -> [VideoFrame] {
        let track = audio ? tone(seconds: Double(frames) / fps.value) : nil
        let encoder = try VideoEncoder(path: path, width: width, height: height,
                                       options: EncodeOptions(frameRate: fps, crf: crf, preset: "fast", audio: track))
        var made: [VideoFrame] = []
        for i in 0..<frames {
            let f = try movingFrame(width: width, height: height, index: i)
            try encoder.append(f)
            made.append(f)
        }
        try encoder.finish()
        return made
    }

    /// Runs an installed tool and returns its stdout as text; nil when the tool is missing.
    static func run(_ tool: String, _ arguments: [String]) throws -> String? {
        try runData(tool, arguments).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs an installed tool and returns its raw stdout; nil when the tool is missing.
    static func runData(_ tool: String, _ arguments: [String]) throws -> Data? {
        guard let exe = ["/usr/bin/\(tool)", "/usr/local/bin/\(tool)"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
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

    /// Byte count of a tool's stdout (for `ffmpeg -f f32le -`), nil when the tool is missing.
    static func outputByteCount(_ tool: String, _ arguments: [String]) throws -> Int? {
        try runData(tool, arguments).map { $0.count }
    }

    /// Mean squared error of two equal-size frames over all RGB bytes, in [0, 1] units.
    /// (The product's PSNR lives in Metrics; this test-only helper keeps Media's tests free of that dependency.)
    static func mse(_ a: VideoFrame, _ b: VideoFrame) -> Double {
        var sum = 0.0
        for i in 0..<a.rgb.count {
            let d = (Double(a.rgb[i]) - Double(b.rgb[i])) / 255
            sum += d * d
        }
        return sum / Double(a.rgb.count)
    }
}
