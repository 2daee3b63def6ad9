import DropfillTestSupport
import Foundation
import Rating
import Testing

/// Every example `dropfill … --help` prints runs as printed, on the bundled sample, in a scratch folder laid out the
/// way the examples assume (clip.mp4 and study.json there, SampleData beside them, ../shared/data above).
///
/// Slow examples (training, corpora, benchmarks, stimulus preparation) run only with DROPFILL_SLOW_TESTS=1;
/// interactive ones (`inspect`, `rate`) run in tmux and are quit with q.
@Suite(.serialized) struct HelpExamplesTests {
    static let sample = BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
    static let slowEnabled = ProcessInfo.processInfo.environment["DROPFILL_SLOW_TESTS"] == "1"
    static let ready = BuiltProduct.binary != nil && FileManager.default.fileExists(atPath: sample)

    /// How an example is run.
    enum Kind { case fast, slow, interactive }

    /// Examples that are not fast, by how they begin.
    static func kind(_ example: String) -> Kind {
        let slow = ["dropfill train-align", "dropfill train-restore", "dropfill train-lips", "dropfill evaluate ../shared/data", "dropfill evaluate clip.mp4 --sweep",
                    "dropfill bench tensor", "dropfill bench restore", "dropfill bench decode", "dropfill bench align", "dropfill bench inspector",
                    "dropfill rate study.json --prepare-only", "dropfill evaluate --merge"]
        if slow.contains(where: example.hasPrefix) { return .slow }
        if example.hasPrefix("dropfill rate") { return .interactive }
        if example.hasPrefix("dropfill inspect") && !example.contains("--keys-markdown") { return .interactive }
        return .fast
    }

    /// The help texts: the top level and every subcommand (bench's too).
    static func helpTexts() throws -> [String: String] {
        var out: [String: String] = [:]
        guard let top = try BuiltProduct.run(["--help"]) else { return out }
        out[""] = top.stdout
        func subcommands(_ help: String) -> [String] {
            guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
            var names: [String] = []
            for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
                if line.isEmpty { break }
                // A subcommand's row is indented by two; its wrapped abstract by more.
                guard line.hasPrefix("  "), line.dropFirst(2).first != " " else { continue }
                let word = line.split(separator: " ").first.map(String.init) ?? ""
                if !word.isEmpty && word != "help" { names.append(word) }
            }
            return names
        }
        for sub in subcommands(top.stdout) {
            guard let h = try BuiltProduct.run([sub, "--help"]) else { continue }
            out[sub] = h.stdout
            for inner in subcommands(h.stdout) {
                if let hi = try BuiltProduct.run([sub, inner, "--help"]) { out[sub + " " + inner] = hi.stdout }
            }
        }
        return out
    }

    /// The example command lines of a help text: the lines under "Examples:" (or "A typical session:") that start
    /// with `dropfill`, continuation lines (ending in `\`) joined.
    static func examples(in help: String) -> [String] {
        var out: [String] = [], inside = false, pending: String?
        for raw in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "Examples:" || line == "Example:" || line == "A typical session:" { inside = true; continue }
            guard inside else { continue }
            if line.isEmpty || line == "USAGE:" || line.hasPrefix("USAGE:") { inside = false; continue }
            if var p = pending {
                p += " " + line.replacingOccurrences(of: "\\", with: "").trimmingCharacters(in: .whitespaces)
                if line.hasSuffix("\\") { pending = p } else { out.append(p); pending = nil }
                continue
            }
            guard line.hasPrefix("dropfill ") || line == "dropfill" else { continue }
            if line.hasSuffix("\\") { pending = String(line.dropLast()).trimmingCharacters(in: .whitespaces) } else { out.append(line) }
        }
        return out
    }

    /// A scratch folder laid out as the examples assume; returns its working directory.
    static func workspace() throws -> String {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("dropfill-examples-\(UUID().uuidString)")
        let work = root.appendingPathComponent("work"), shared = root.appendingPathComponent("shared")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        try fm.createDirectory(at: shared, withIntermediateDirectories: true)
        let repo = BuiltProduct.repoRoot
        try fm.createSymbolicLink(at: work.appendingPathComponent("SampleData"), withDestinationURL: repo.appendingPathComponent("SampleData"))
        try fm.createSymbolicLink(at: work.appendingPathComponent("Themes"), withDestinationURL: repo.appendingPathComponent("Themes"))
        let data = repo.deletingLastPathComponent().appendingPathComponent("shared/data")
        if fm.fileExists(atPath: data.path) { try fm.createSymbolicLink(at: shared.appendingPathComponent("data"), withDestinationURL: data) }
        for name in ["clip.mp4", "long-talk.mp4"] { try fm.copyItem(atPath: sample, toPath: work.appendingPathComponent(name).path) }
        // study.json: the example study with its clips found from here.
        let studyURL = repo.appendingPathComponent("SampleData/studies/example.json")
        var study = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: studyURL)) as? [String: Any])
        let clips = (study["clips"] as? [String] ?? []).map { studyURL.deletingLastPathComponent().appendingPathComponent($0).standardizedFileURL.path }
        study["clips"] = clips
        try JSONSerialization.data(withJSONObject: study).write(to: work.appendingPathComponent("study.json"))
        // `report` reads what `rate` sessions stored: two raters' scores of every stimulus, in the default database
        // (for the bundled study) and in ratings.sqlite (for study.json), as sessions would have left them.
        try storeRatings(study: Study.load(path: studyURL.path, requireClips: false), database: work.path + "/.data/dropfill/ratings.sqlite")
        try storeRatings(study: Study.load(path: work.appendingPathComponent("study.json").path, requireClips: false),
                         database: work.path + "/ratings.sqlite")
        return work.path
    }

    /// Two raters who scored every trial of `study` (score = 3 + position mod 7, the reference 9).
    static func storeRatings(study: Study, database: String) throws {
        let store = try RatingStore(path: database)
        let info = SessionInfo(terminalColumns: 80, terminalRows: 24, graphics: "ascii", audio: false, softwareVersion: "test")
        for (n, rater) in ["alice", "bob"].enumerated() {
            let record = try store.rater(rater, study: study, newSeed: UInt64(n + 1))
            let session = try store.startSession(raterKey: record.key, info: info)
            for t in record.order {
                let v = t.stimulus.isReference ? 9 : 3 + (t.position + n) % 7
                try store.save(CompletedRating(raterKey: record.key, sessionKey: session, position: t.position, stimulus: t.stimulus,
                                               training: t.training, scores: study.attributes.map { _ in v }, shownAt: Date(),
                                               answeredAt: Date(), decisionMilliseconds: 1000, replays: 0),
                               attributes: study.attributes, info: info)
            }
        }
    }

    /// The files `example` writes (relative paths only): what follows `-o` / `--out` / `--frames`, and the truth file
    /// `drop` writes beside its output.
    static func outputs(of example: String) -> [String] {
        let words = example.split(whereSeparator: \.isWhitespace).map(String.init)
        return zip(words, words.dropFirst()).flatMap { flag, value -> [String] in
            guard ["-o", "--out", "--output", "--frames"].contains(flag), !value.hasPrefix("/"), !value.hasPrefix(".") else { return [] }
            let truth = words.dropFirst().first == "drop" && flag == "-o"
                ? [URL(fileURLWithPath: value).deletingPathExtension().lastPathComponent + ".truth.json"] : []
            return [value] + truth
        }
    }

    /// Runs `example` through bash in `dir` (pipes and redirections as printed), the binary first on PATH.
    static func shell(_ example: String, in dir: String, timeout: Double = 900) throws -> (status: Int32, output: String) {
        let bin = try #require(BuiltProduct.binary)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-o", "pipefail", "-c", example]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = URL(fileURLWithPath: bin).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["DROPFILL_AUDIO"] = "off"
        env["XDG_CACHE_HOME"] = dir + "/.cache"
        env["XDG_DATA_HOME"] = dir + "/.data"
        p.environment = env
        let log = URL(fileURLWithPath: dir).appendingPathComponent(".example-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let h = try FileHandle(forWritingTo: log)
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try h.close()
        return (p.terminationStatus, String(decoding: try Data(contentsOf: log), as: UTF8.self))
    }

    @Test(.enabled(if: ready, "needs the built dropfill (swift build) and SampleData/grid-bbaf2n.mp4"))
    func examplesFitEightyColumnsAndAreFound() throws {
        let helps = try Self.helpTexts()
        #expect(helps.count > 10, "subcommands found: \(helps.keys.sorted())")
        var total = 0
        for (command, help) in helps {
            var inside = false
            for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t == "Examples:" || t == "A typical session:" { inside = true; continue }
                if t.isEmpty { inside = false }
                if inside { #expect(line.count <= 80, "`dropfill \(command) --help` example line of \(line.count) columns: \(line)") }
            }
            total += Self.examples(in: help).count
        }
        #expect(total >= 30, "examples found: \(total)")
    }

    @Test(.enabled(if: ready, "needs the built dropfill (swift build) and SampleData/grid-bbaf2n.mp4"), .timeLimit(.minutes(15)))
    func everyFastExampleRunsAsPrinted() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        let helps = try Self.helpTexts()
        // The dropped clip several examples read, made as `drop`'s first example makes it.
        let seed = try Self.shell("dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87", in: dir)
        try #require(seed.status == 0, "\(seed.output)")
        for command in helps.keys.sorted() {
            for example in Self.examples(in: helps[command] ?? "") where Self.kind(example) == .fast {
                // As printed, an example writes a new file; an earlier example's output of the same name is removed
                // first (outputs are never overwritten without -y, so keeping it would make the example refuse).
                for output in Self.outputs(of: example) {
                    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).appendingPathComponent(output).path)
                }
                let r = try Self.shell(example, in: dir)
                #expect(r.status == 0, "`\(example)` (from `dropfill \(command) --help`) exited \(r.status):\n\(r.output.suffix(1500))")
            }
        }
    }

    @Test(.enabled(if: ready && slowEnabled, "slow: set DROPFILL_SLOW_TESTS=1 (trains, benchmarks, corpora)"), .timeLimit(.minutes(120)))
    func everySlowExampleRunsAsPrinted() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        let helps = try Self.helpTexts()
        _ = try Self.shell("dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87", in: dir)
        for command in helps.keys.sorted() {
            for example in Self.examples(in: helps[command] ?? "") where Self.kind(example) == .slow {
                let r = try Self.shell(example, in: dir, timeout: 3600)
                #expect(r.status == 0, "`\(example)` exited \(r.status):\n\(r.output.suffix(1500))")
            }
        }
    }

    /// `inspect` and `rate` examples in tmux: they open their screen and quit on q with status 0.
    @Test(.enabled(if: ready && BuiltProduct.tmux != nil && slowEnabled, "slow: set DROPFILL_SLOW_TESTS=1 (needs tmux)"), .timeLimit(.minutes(30)))
    func interactiveExamplesOpenAndQuit() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        let helps = try Self.helpTexts()
        _ = try Self.shell("dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87", in: dir)
        let bin = try #require(BuiltProduct.binary)
        let t = TmuxServer()
        var n = 0
        for command in helps.keys.sorted() {
            for example in Self.examples(in: helps[command] ?? "") where Self.kind(example) == .interactive {
                n += 1
                let name = "ex\(n)"
                let line = "cd '\(dir)' && export PATH='\(URL(fileURLWithPath: bin).deletingLastPathComponent().path)':$PATH DROPFILL_AUDIO=off "
                    + "XDG_CACHE_HOME='\(dir)/.cache' XDG_DATA_HOME='\(dir)/.data' LANG=C.UTF-8 LC_ALL=C.UTF-8; \(example); echo EXIT=$?; sleep 60"
                try #require(t.start(name, command: line, width: 120, height: 40))
                let opened = t.wait(name, 600) { $0.contains("dropfill inspect") || $0.contains("dropfill rate") || $0.contains("EXIT=") }
                #expect(opened, "`\(example)` did not open: \(t.capture(name))")
                Thread.sleep(forTimeInterval: 1)
                t.keys(name, ["q"])
                #expect(t.wait(name, 30) { $0.contains("EXIT=0") }, "`\(example)` did not quit cleanly: \(t.capture(name))")
            }
        }
        #expect(n >= 3)
    }
}
