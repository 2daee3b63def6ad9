import ArgumentParser
import Foundation
import Metrics
import Pipeline

/// `dropfill bench restore-clip`: the whole restore job on long real clips — wall time, decode passes, peak memory.
struct BenchRestoreClipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore-clip",
        abstract: "Restore 1-, 5- and 10-minute real talking clips end to end: wall time, decodes of the input, peak RSS.",
        discussion: """
            Builds each clip by concatenating a real talking clip of ../shared/data with itself (FFmpeg's concat demuxer, streams copied), drops 87% of its frames twice — timestamps kept and timestamps stripped — and restores both with `dropfill restore` in a child process: the kept file through its timestamps, the stripped one through the default content aligner. Each child reports its wall time, how many times it decoded the input's video and audio, and its peak resident memory; memory should stay flat with length on both paths. Needs ffmpeg (scripts/setup.sh installs it).

            Examples:
              dropfill bench restore-clip
              dropfill bench restore-clip --minutes 1,5 --method blend --json
            """
    )

    @Option(help: "Clip lengths in minutes (comma-separated).")
    var minutes: String = "1,5,10"

    @Option(help: "The real clip the long clips are built from.", completion: .file())
    var source: String = "../shared/data/talking-extra/edtalk-pose_source2.mp4"

    @Option(name: .customLong("method"), help: "Restoration method.")
    var methodName = MethodName(RestorerFactory.defaultMethod)

    /// The method's name as `restore` takes it.
    var method: String { methodName.name }

    @Option(help: "Working folder (kept, so a second run reuses the built clips).", completion: .directory)
    var work: String = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-bench-restore-clip").path

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// One restore: the clip's length and what the child `dropfill restore --json` reported.
    struct Row: Codable {
        var minutes: Double
        var restore: Child
        var path: String { restore.positionsFrom }
    }

    struct Child: Codable {
        var slots: Int
        var survivors: Int
        var seconds: Double
        var videoDecodes: Int
        var audioDecodes: Int
        var peakResidentMiB: Double
        var positionsFrom: String
    }

    func run() throws {
        let lengths = minutes.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !lengths.isEmpty, lengths.allSatisfy({ $0 > 0 && $0 <= 60 }) else { throw ValidationError("--minutes must be lengths in (0, 60]") }
        guard FileManager.default.fileExists(atPath: source) else { throw ValidationError("no source clip at \(source)") }
        guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ValidationError("ffmpeg is not installed (scripts/setup.sh installs it)")
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let me = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let sourceSeconds = try childJSON([String: Double].self, me, ["probe", source, "--json"], key: "duration")
        var rows: [Row] = []
        for m in lengths {
            let long = "\(work)/long-\(m)min.mp4"
            if !FileManager.default.fileExists(atPath: long) {
                let copies = Int((m * 60 / sourceSeconds).rounded(.up))
                let list = "\(work)/list-\(m).txt"
                try String(repeating: "file '\(URL(fileURLWithPath: source).standardizedFileURL.path)'\n", count: copies)
                    .write(toFile: list, atomically: true, encoding: .utf8)
                try runChild(ffmpeg, ["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-t", String(m * 60), "-c", "copy", long])
            }
            for (mode, positions) in [("keep", "timestamps"), ("strip", "auto")] {
                let dropped = "\(work)/long-\(m)min-\(mode).mp4"
                if !FileManager.default.fileExists(atPath: dropped) {
                    try runChild(me, ["drop", long, "-o", dropped, "--rate", "0.87", "--timestamps", mode, "--seed", "1"])
                }
                FileHandle.standardError.write(Data("restore-clip: \(m) min, \(positions)…\n".utf8))
                let out = "\(work)/restored-\(m)min-\(mode).mp4"
                let child = try childJSON(Child.self, me, ["restore", dropped, "-o", out, "--method", method, "--positions", positions, "--json"])
                rows.append(Row(minutes: m, restore: child))
                try? FileManager.default.removeItem(atPath: out)
            }
        }
        if json { try printJSON(rows); return }
        let load = BenchTiming.loadAverage()
        print("restore-clip: \(method), drop rate 0.87, source \(source); load average \(load)")
        print("minutes  positions          slots  survivors   wall s  video/audio decodes  peak RSS MiB")
        for r in rows {
            print(String(format: "%7.1f  ", r.minutes) + r.path.padding(toLength: 17, withPad: " ", startingAt: 0) +
                  String(format: "%6d  %9d  %7.1f  %9d / %-9d  %12.1f", r.restore.slots, r.restore.survivors, r.restore.seconds,
                         r.restore.videoDecodes, r.restore.audioDecodes, r.restore.peakResidentMiB))
        }
        for path in Set(rows.map(\.path)) {
            let peaks = rows.filter { $0.path == path }.map(\.restore.peakResidentMiB)
            if let lo = peaks.min(), let hi = peaks.max(), lo > 0 {
                print(String(format: "%@: peak RSS from shortest to longest ×%.2f", path as NSString, hi / lo))
            }
        }
    }

    /// Runs a child process, failing with its standard error when it fails.
    @discardableResult
    func runChild(_ tool: String, _ arguments: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        // Standard error goes to a file: a child's progress lines could fill a pipe nobody reads yet.
        let errPath = "\(work)/.child-\(getpid()).err"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errors = FileManager.default.contents(atPath: errPath) ?? Data()
        guard p.terminationStatus == 0, p.terminationReason == .exit else {
            // Keep the child's whole standard error (a crash's backtrace is longer than the lines quoted here).
            let kept = "\(work)/failed-\(URL(fileURLWithPath: tool).lastPathComponent)-\(p.processIdentifier).err"
            try? errors.write(to: URL(fileURLWithPath: kept))
            let how = p.terminationReason == .uncaughtSignal ? "was killed by signal \(p.terminationStatus)" : "exited with status \(p.terminationStatus)"
            let lines = String(decoding: errors.suffix(2000), as: UTF8.self).replacingOccurrences(of: "\r", with: "\n")
                .split(separator: "\n").suffix(6).joined(separator: "\n")
            throw ValidationError("\(URL(fileURLWithPath: tool).lastPathComponent) \(arguments.prefix(2).joined(separator: " ")) \(how); " +
                                  "its standard error is kept in \(kept), ending:\n\(lines)")
        }
        return data
    }

    func childJSON<T: Decodable>(_ type: T.Type, _ tool: String, _ arguments: [String]) throws -> T {
        try JSONDecoder().decode(T.self, from: try runChild(tool, arguments))
    }

    func childJSON(_ type: [String: Double].Type, _ tool: String, _ arguments: [String], key: String) throws -> Double {
        let object = try JSONSerialization.jsonObject(with: try runChild(tool, arguments)) as? [String: Any]
        guard let value = object?[key] as? Double, value > 0 else { throw ValidationError("no \(key) in the output of \(arguments.first ?? "")") }
        return value
    }
}
