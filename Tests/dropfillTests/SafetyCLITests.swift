import DropfillTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16 end to end: the commands of its "Found" list, reduced to fixtures in a temporary folder, through the
/// real binary. None may destroy a file, leave a `.partial` file or print more than one line of error.
@Suite("dropfill never loses a user's data", .enabled(if: BuiltProduct.binary != nil, "the dropfill binary is not built next to the tests"))
struct SafetyCLITests {
    static let clip = BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

    /// A scratch folder holding a copy of the sample clip (`clip.mp4`).
    final class Scratch {
        let dir: String
        var clip: String { dir + "/clip.mp4" }
        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("safety-cli-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: SafetyCLITests.clip, toPath: dir + "/clip.mp4")
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }

        func write(_ text: String, _ name: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: dir + "/" + name) }
        var partials: [String] { (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.contains(".partial") } }
    }

    func run(_ args: [String], in dir: String, environment: [String: String] = [:]) throws -> BuiltProduct.Output {
        try #require(try BuiltProduct.run(args, environment: environment, in: dir))
    }

    /// A refusal: non-zero exit, one line on stderr that contains `mentioning`, nothing on stdout.
    func expectRefusal(_ r: BuiltProduct.Output, mentioning: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, "exit 0; stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentioning), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }

    // MARK: - Found 1: an existing folder given as an output

    @Test("drop, restore and train-restore refuse an existing folder as output and leave it whole")
    func folderOutputs() throws {
        let s = try Scratch()
        try FileManager.default.createDirectory(atPath: s.dir + "/p/sub", withIntermediateDirectories: true)
        try s.write("x", "p/notes.txt")
        for args in [["drop", "clip.mp4", "-o", "p", "--rate", "0.87"], ["drop", "clip.mp4", "-o", "p", "--rate", "0.87", "-y"],
                     ["restore", "clip.mp4", "-o", "p", "--method", "hold"],
                     ["train-restore", s.dir, "--split", "all", "--checkpoint", "p", "--out", "m.safetensors", "--steps", "1"]] {
            expectRefusal(try run(args, in: s.dir), mentioning: "is a folder")
        }
        #expect(s.contents("p/notes.txt") == Data("x".utf8))
        #expect(FileManager.default.fileExists(atPath: s.dir + "/p/sub"))
        #expect(s.partials.isEmpty)
    }

    // MARK: - Found 2 and 3: exports over inputs, and the symlinked-folder bypass

    @Test("exports pointed at an input are refused, even with -y and through a symlinked folder")
    func exportsOverInputs() throws {
        let s = try Scratch()
        try FileManager.default.createSymbolicLink(atPath: s.dir + "/alias", withDestinationPath: s.dir)
        let original = try #require(s.contents("clip.mp4"))
        try s.write("SQLite format 3\u{0}not really", "ratings.sqlite")
        let study = try String(contentsOfFile: BuiltProduct.repoRoot.appendingPathComponent("SampleData/studies/example.json").path, encoding: .utf8)
        try s.write(study, "study.json")
        let cases: [[String]] = [
            ["drop", "clip.mp4", "-o", "alias/clip.mp4", "--rate", "0.5", "-y"],
            ["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5", "--truth", "alias/clip.mp4", "-y"],
            ["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5", "--truth", "d.mp4"],
            ["restore", "alias/clip.mp4", "-o", "clip.mp4", "--method", "hold", "-y"],
            ["evaluate", "clip.mp4", "--methods", "hold", "--csv", "alias/clip.mp4", "-y"],
            ["report", "study.json", "--db", "ratings.sqlite", "--csv", "alias/ratings.sqlite", "-y"],
            ["report", "study.json", "--db", "ratings.sqlite", "--sureal-json", "study.json", "-y"],
        ]
        for args in cases {
            let r = try run(args, in: s.dir)
            expectRefusal(r, mentioning: args.contains("d.mp4") && args.last == "d.mp4" ? "twice" : "input")
        }
        #expect(s.contents("clip.mp4") == original)
        #expect(s.contents("study.json") == Data(study.utf8))
        #expect(s.contents("ratings.sqlite") == Data("SQLite format 3\u{0}not really".utf8))
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/d.mp4"))
        #expect(s.partials.isEmpty)
    }

    @Test("an existing output file needs -y; -n keeps it; both are one-line answers")
    func existingOutputs() throws {
        let s = try Scratch()
        try s.write("mine", "d.truth.json")
        expectRefusal(try run(["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5"], in: s.dir), mentioning: "-y")
        expectRefusal(try run(["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5", "-n"], in: s.dir), mentioning: "not overwriting")
        #expect(s.contents("d.truth.json") == Data("mine".utf8))
        let both = try run(["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5", "-y", "-n"], in: s.dir)
        #expect(both.status != 0)
        let ok = try run(["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.5", "-y"], in: s.dir)
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        #expect(s.contents("d.truth.json") != Data("mine".utf8))
        #expect(s.partials.isEmpty)
    }

    // MARK: - Found 4: special files

    @Test("--truth at a full device reports no space and the device node stays", .enabled(if: getuid() == 0, "mknod needs root"))
    func fullDevice() throws {
        let s = try Scratch()
        #expect(mknod(s.dir + "/full", S_IFCHR | 0o666, dev_t((1 << 8) | 7)) == 0)
        let r = try run(["drop", "clip.mp4", "-o", "d.mp4", "--rate", "0.87", "--truth", "full"], in: s.dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("no space left"), "stderr: \(r.stderr)")
        var st = stat()
        #expect(stat(s.dir + "/full", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        #expect(s.partials.isEmpty)
    }

    // MARK: - Found 6: counts asking for unbounded work

    @Test("unbounded counts are refused before any work", arguments: [
        ["align", "clip.mp4", "--slots", "\(Int.max)"], ["evaluate", "clip.mp4", "--seeds", "1000000000"],
        ["train-restore", ".", "--learning-rate", "nan"], ["train-restore", ".", "--steps", "\(Int.max)"],
    ])
    func unboundedCounts(args: [String]) throws {
        let s = try Scratch()
        let r = try run(args, in: s.dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("Error"), "stderr: \(r.stderr)")
    }

    // MARK: - Found 8: temporary files after signals

    /// `restore` into a FIFO: the video is encoded to a temporary file, then the writer blocks opening the FIFO
    /// (no reader) — a deterministic moment with a temporary file alive. The signal must remove it.
    @Test("SIGINT, SIGTERM and SIGHUP leave no temporary file behind", arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalsRemoveTemporaries(signal: Int32) throws {
        let s = try Scratch()
        let tmp = s.dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        #expect(mkfifo(s.dir + "/out.mp4", 0o600) == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(BuiltProduct.binary))
        p.arguments = ["restore", "clip.mp4", "-o", "out.mp4", "--method", "hold", "--positions", "timestamps"]
        p.currentDirectoryURL = URL(fileURLWithPath: s.dir)
        p.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Wait (up to 2 minutes) for the finished temporary file: the writer then sits in open() on the FIFO.
        var seen: [String] = []
        for _ in 0..<1200 {
            seen = (try? FileManager.default.contentsOfDirectory(atPath: tmp))?.filter { $0.contains(".partial") } ?? []
            if !seen.isEmpty, let size = (try? FileManager.default.attributesOfItem(atPath: tmp + "/" + seen[0]))?[.size] as? Int, size > 0 {
                Thread.sleep(forTimeInterval: 0.5)
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(!seen.isEmpty, "the restore never reached its temporary file")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.contains(".partial") }.isEmpty)
        #expect(s.partials.isEmpty)
    }
}
