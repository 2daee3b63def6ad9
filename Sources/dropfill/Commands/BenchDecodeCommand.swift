import ArgumentParser
import Foundation
import Media

/// `dropfill bench decode`: decoding speed, and proof that memory does not grow with the clip's length.
struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Measure streaming decode speed and show that memory stays bounded over a long clip.",
        discussion: """
            Without FILE, writes a synthetic clip first (a moving gradient, H.264 ultrafast) of the given length and size into a temporary folder. Then decodes it frame by frame, sampling the resident memory: the report compares the largest resident size seen in the first tenth of the clip with the largest over the whole clip. A streaming decoder keeps the two within a few frames' worth of memory.

            Examples:
              dropfill bench decode --seconds 60 --size 1920x1080
              dropfill bench decode long-talk.mp4 --json
            """
    )

    @Argument(help: "A clip to decode (default: generate one).", completion: .file())
    var file: String?

    @Option(help: "Length of the generated clip in seconds.")
    var seconds: Double = 60

    @Option(help: "Size of the generated clip, WIDTHxHEIGHT.")
    var size: String = "1920x1080"

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Report: Codable {
        var file: String
        var width: Int
        var height: Int
        var frames: Int
        var decodeSeconds: Double
        var framesPerSecond: Double
        var frameBytes: Int
        var residentAfterFirstTenthMiB: Double
        var residentMaxMiB: Double
        var growthMiB: Double
        var growthInFrames: Double
    }

    func run() throws {
        var path = file ?? ""
        var scratch: URL?
        if file == nil {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw ValidationError("--size must look like 1920x1080") }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-bench-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            scratch = dir
            path = dir.appendingPathComponent("long.mp4").path
            try Self.writeSynthetic(path: path, width: parts[0], height: parts[1], seconds: seconds)
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }

        let info = try MediaInfo.probe(path: path)
        let total = max(1, info.frameCount)
        let decoder = try VideoDecoder(path: path)
        var count = 0, firstTenth = 0, maxResident = 0
        let start = Date()
        while let _ = try decoder.nextFrame() {
            count += 1
            if count % 10 == 0 || count == total {
                let now = ResidentMemory.current()
                maxResident = max(maxResident, now)
                if count <= max(10, total / 10) { firstTenth = max(firstTenth, now) }
            }
            if count % 300 == 0 { FileHandle.standardError.write(Data("\rdecoded \(count)/\(total)".utf8)) }
        }
        FileHandle.standardError.write(Data("\r".utf8))
        let elapsed = Date().timeIntervalSince(start)
        let mib = 1024.0 * 1024.0
        let frameBytes = decoder.outputSize.width * decoder.outputSize.height * 3
        let report = Report(file: file ?? "synthetic \(size), \(seconds) s", width: decoder.outputSize.width, height: decoder.outputSize.height,
                            frames: count, decodeSeconds: elapsed, framesPerSecond: Double(count) / max(elapsed, 1e-9),
                            frameBytes: frameBytes, residentAfterFirstTenthMiB: Double(firstTenth) / mib,
                            residentMaxMiB: Double(maxResident) / mib, growthMiB: Double(maxResident - firstTenth) / mib,
                            growthInFrames: Double(maxResident - firstTenth) / Double(max(1, frameBytes)))
        if json { try printJSON(report); return }
        print(String(format: "decoded %d frames of %dx%d in %.1f s (%.1f frames/s)", count, report.width, report.height, elapsed, report.framesPerSecond))
        print(String(format: "resident memory: %.1f MiB after the first tenth, %.1f MiB at most over the clip (growth %.1f MiB = %.1f frames)",
                     report.residentAfterFirstTenthMiB, report.residentMaxMiB, report.growthMiB, report.growthInFrames))
    }

    /// Writes a clip of a gradient that scrolls one pixel a frame (cheap to make, not trivially compressible).
    static func writeSynthetic(path: String, width: Int, height: Int, seconds: Double) throws {
        let fps = Rational(30, 1)
        let encoder = try VideoEncoder(path: path, width: width, height: height,
                                       options: EncodeOptions(frameRate: fps, crf: 28, preset: "ultrafast"))
        let frames = Int(seconds * fps.value)
        var base = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 3
                base[o] = UInt8((x * 255) / max(1, width - 1))
                base[o + 1] = UInt8((y * 255) / max(1, height - 1))
                base[o + 2] = UInt8(((x ^ y) & 0x3f) + 96)
            }
        }
        for i in 0..<frames {
            var rgb = base
            let shift = (i * 3) % (width * 3)
            for y in 0..<height {
                let row = y * width * 3
                rgb[row..<row + width * 3] = base[row + shift..<row + width * 3] + base[row..<row + shift]
            }
            try encoder.append(try VideoFrame(width: width, height: height, rgb: rgb))
            if i % 300 == 0 { FileHandle.standardError.write(Data("\rwriting \(i)/\(frames)".utf8)) }
        }
        try encoder.finish()
        FileHandle.standardError.write(Data("\r".utf8))
    }
}
