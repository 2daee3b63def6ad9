import DropfillTestSupport
import Foundation
import Testing

/// The fixtures the error-message cases run against, made once per case in a scratch folder: the bundled clip, a
/// dropped copy of it with its truth file, and the broken files a hostile-but-fair user feeds the CLI.
private final class ErrorScratch {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("errors-cli-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/folder", withIntermediateDirectories: true)
        try fm.copyItem(atPath: BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path, toPath: dir + "/clip.mp4")
        try write("not a video\n", "text.mp4")
        try write("", "empty.mp4")
        try write("{\"broken", "bad.json")
        try write("garbage, not safetensors", "bad.safetensors")
        try write("garbage, not SQLite", "bad.sqlite")
        try write("path\tperson\nnope.mp4\tp\n", "bad.tsv")
    }
    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ text: String, _ name: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }

    /// `dropped.mp4` and `dropped.truth.json` (from `dropfill drop`), and truth files derived from it by `edit`.
    func dropped(truths: [String: (inout [String: Any]) -> Void]) throws {
        let r = try #require(try BuiltProduct.run(["drop", "clip.mp4", "-o", "dropped.mp4", "--rate", "0.8", "--truth", "dropped.truth.json"],
                                                  in: dir))
        try #require(r.status == 0, "drop failed: \(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/dropped.truth.json"))
        for (name, edit) in truths {
            var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            edit(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
    }
}

/// One user mistake: the command, and the file its one-line error must name.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let names: String
    /// Needs `dropped.mp4` and the truth files.
    let needsDrop: Bool

    init(_ arguments: [String], names: String, needsDrop: Bool = false) {
        self.arguments = arguments
        self.names = names
        self.needsDrop = needsDrop
    }

    var testDescription: String { arguments.joined(separator: " ") }
}

/// Issue 16: every error a user can cause is one line on stderr that names the file and says what is wrong — never
/// a raw NSError dump, a Swift type dump or a message about something else ("images differ in size" for a
/// position-count mismatch). Each case runs the built binary on fixtures in a scratch folder.
@Suite("user errors are one line naming the file",
       .enabled(if: Prerequisite.binary, "the dropfill binary is not built next to the tests (run `swift build` first)"))
struct ErrorMessageTests {
    static let cases: [ErrorCase] = [
        ErrorCase(["probe", "missing.mp4"], names: "missing.mp4"),
        ErrorCase(["probe", "folder"], names: "folder"),
        ErrorCase(["probe", "text.mp4"], names: "text.mp4"),
        ErrorCase(["probe", "empty.mp4"], names: "empty.mp4"),
        ErrorCase(["drop", "clip.mp4", "-o", "nodir/o.mp4", "--rate", "0.87"], names: "nodir"),
        ErrorCase(["drop", "clip.mp4", "-o", "o.mp4", "--rate", "0.87", "--truth", "folder"], names: "folder"),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--positions", "short.truth.json"],
                  names: "short.truth.json", needsDrop: true),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--positions", "outside.truth.json"],
                  names: "outside.truth.json", needsDrop: true),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--positions", "typed.truth.json"],
                  names: "typed.truth.json", needsDrop: true),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--positions", "bad.json"], names: "bad.json"),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--positions", "dropped.truth.json", "--frames", "text.mp4"],
                  names: "text.mp4", needsDrop: true),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "fenet", "--models", "bad.safetensors",
                   "--positions", "dropped.truth.json"], names: "bad.safetensors", needsDrop: true),
        ErrorCase(["restore", "dropped.mp4", "-o", "r.mp4", "--method", "hold", "--aligner", "aligner", "--aligner-model", "bad.safetensors"],
                  names: "bad.safetensors", needsDrop: true),
        ErrorCase(["align", "dropped.mp4", "--truth", "short.truth.json"], names: "short.truth.json", needsDrop: true),
        ErrorCase(["align", "dropped.mp4", "--aligner", "aligner", "--model", "missing.safetensors"], names: "missing.safetensors",
                  needsDrop: true),
        ErrorCase(["evaluate", "missing-folder"], names: "missing-folder"),
        ErrorCase(["evaluate", "clip.mp4", "--methods", "hold", "--csv", "nodir/x.csv"], names: "nodir"),
        ErrorCase(["evaluate", "clip.mp4", "--methods", "hold", "--state", "text.mp4"], names: "text.mp4"),
        ErrorCase(["evaluate", "folder", "--methods", "hold"], names: "folder"),
        ErrorCase(["evaluate", ".", "--manifest", "bad.tsv", "--methods", "hold"], names: "bad.tsv"),
        ErrorCase(["inspect", "clip.mp4"], names: "terminal"),
        ErrorCase(["rate", "bad.json", "--rater", "a"], names: "bad.json"),
        ErrorCase(["rate", "missing.json", "--rater", "a"], names: "missing.json"),
        ErrorCase(["report", "bad.json", "--db", "bad.sqlite"], names: "bad.json"),
        ErrorCase(["train-restore", ".", "--split", "all", "--steps", "1", "--from", "bad.safetensors", "--out", "m.safetensors"],
                  names: "bad.safetensors"),
        ErrorCase(["train-align", "bad.tsv", "--split", "all", "--epochs", "1"], names: "bad.tsv"),
        ErrorCase(["bench", "restore", "--model", "bad.safetensors"], names: "bad.safetensors"),
    ]

    /// What must never reach a user: Foundation's and Swift's internal dumps, and the metric's wording for a count.
    static let dumps = ["Error Domain=", "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "UserInfo=", "Swift.", "DecodingError",
                        "codingPath", "images differ in size", "cannot access", "couldn’t be", "doesn’t exist"]

    @Test("one line on stderr naming the file, non-zero exit", arguments: cases)
    func oneLineNamingTheFile(_ c: ErrorCase) throws {
        let s = try ErrorScratch()
        if c.needsDrop {
            try s.dropped(truths: [
                "short.truth.json": { $0["positions"] = Array((($0["positions"] as? [Int]) ?? []).prefix(3)) },
                "outside.truth.json": { $0["positions"] = (($0["positions"] as? [Int]) ?? []) + [100_000] },
                "typed.truth.json": { $0["fps"] = "abc" },
            ])
        }
        let r = try #require(try BuiltProduct.run(c.arguments, in: s.dir))
        #expect(r.status != 0, "exit 0; stderr: \(r.stderr)")
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "stderr: \(r.stderr)")
        let line = String(errors.first ?? "")
        #expect(line.contains(c.names), "does not name \(c.names): \(line)")
        for dump in Self.dumps { #expect(!r.stderr.contains(dump), "contains \"\(dump)\": \(r.stderr)") }
        // Progress lines may precede the error; nothing may follow it.
        #expect(r.stderr.split(separator: "\n").last.map(String.init) == line, "lines after the error: \(r.stderr)")
    }
}
