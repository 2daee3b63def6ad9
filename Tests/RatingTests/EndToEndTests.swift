import Foundation
import Testing
@testable import Rating

/// The real `dropfill rate` and `dropfill report` in tmux: two raters over 3 tiny clips × (3 methods + reference),
/// a `kill -9` in the middle of a session and its resume, then the report against a hand computation.
/// Skipped (with the reason) when tmux or the built binary is missing.
@Suite(.serialized) struct EndToEndTests {
    static let available = CLI.binary != nil && CLI.tmux != nil
    static let reason: Comment = CLI.tmux == nil ? "tmux is not installed (scripts/setup.sh installs it)" : "the dropfill binary is not built next to the tests"

    static let base: [String: Int] = ["hold": 4, "blend": 6, "minterpolate": 7, "reference": 9]

    /// The score a scripted rater gives: the training trial gets 1s (it must not count).
    static func score(rater: Int, trial: PlannedTrial, attribute a: Int) -> Int {
        if trial.training { return 1 }
        let b = base[trial.stimulus.method] ?? 5
        return rater == 0 ? min(10, b + trial.stimulus.clipIndex - 1 + a) : max(1, b - 1 + (trial.stimulus.clipIndex + a) % 2)
    }

    struct Rater {
        var index: Int
        var id: String
        var seed: UInt64
    }

    /// Keys for one score: digits then Enter.
    static func keys(_ v: Int) -> [String] { String(v).map { String($0) } + ["Enter"] }

    static func label(_ t: PlannedTrial, training: Int, total: Int) -> String {
        t.training ? "practice \(t.position + 1)" : "video \(t.position + 1 - training) of \(total - training)"
    }

    @Test(.enabled(if: available, reason), .timeLimit(.minutes(4)))
    func twoRatersKillResumeAndReport() throws {
        let dir = RatingFixtures.temporaryFolder("e2e")
        defer { RatingFixtures.cleanup(dir) }
        let studyPath = try RatingFixtures.makeStudy(in: dir, clipCount: 3, training: 1)
        let db = dir + "/data/ratings.sqlite", cache = dir + "/cache"
        let prep = try CLI.run(["rate", studyPath, "--rater", "x", "--cache", cache, "--prepare-only"])
        #expect(prep.status == 0, "prepare: \(prep.stderr)")
        let study = try Study.load(path: studyPath)
        let stimulusCache = StimulusCache(root: cache, study: study)
        #expect(stimulusCache.missing().isEmpty)

        let raters = [Rater(index: 0, id: "alice", seed: 5), Rater(index: 1, id: "Bob \"B\" O'Neil; DROP TABLE ratings;--", seed: 6)]
        let t = CLI.Tmux()
        defer { t.run(["kill-server"]) }
        for rater in raters {
            let order = TrialPlan.order(study: study, seed: rater.seed)
            let training = order.filter(\.training).count
            var session = 0
            func launch() -> String {
                session += 1
                let name = "r\(rater.index)-\(session)"
                let command = "cd \(CLI.shellQuoted(dir)) && DROPFILL_AUDIO=off LANG=C.UTF-8 LC_ALL=C.UTF-8 DROPFILL_THEMES=\(CLI.shellQuoted(CLI.repoRoot.path + "/Themes")) "
                    + "\(CLI.shellQuoted(CLI.binary!)) rate study.json --rater \(CLI.shellQuoted(rater.id)) --db \(CLI.shellQuoted(db)) "
                    + "--cache \(CLI.shellQuoted(cache)) --graphics ascii --order-seed \(rater.seed); echo EXITED $?; sleep 20"
                #expect(t.start(name, command: command))
                return name
            }
            var name = launch()
            #expect(t.wait(name, 20) { $0.contains("Press Enter to begin") }, "opening screen: \(t.capture(name))")
            #expect(t.capture(name).contains("rater " + RaterID.escaped(rater.id)))
            #expect(t.capture(name).contains("Sound: sound turned off"))
            t.keys(name, ["Enter"])
            var i = 0
            var killed = false
            while i < order.count {
                let trial = order[i]
                let label = Self.label(trial, training: training, total: order.count)
                guard t.wait(name, 15, { $0.contains(label) && $0.contains("Your scores") }) else {
                    Issue.record("trial \(i) (\(label)) never asked for scores: \(t.capture(name))")
                    return
                }
                let screen = t.capture(name)
                for m in ["hold", "blend", "minterpolate", "reference", "clip0", "clip1", "clip2"] { #expect(!screen.contains(m), "blind: \(m) shown") }
                if rater.index == 0 && i == 5 && !killed {
                    // Halfway through a rating: one attribute typed, then kill -9 the process.
                    t.keys(name, Self.keys(Self.score(rater: 0, trial: trial, attribute: 0)))
                    Thread.sleep(forTimeInterval: 0.3)
                    let shell = try #require(t.panePID(name))
                    let pids = CLI.children(of: shell)
                    #expect(pids.count == 1)
                    for p in pids { kill(p, SIGKILL) }
                    #expect(t.wait(name, 10) { $0.contains("EXITED 137") }, "killed: \(t.capture(name))")
                    killed = true
                    // Nothing lost, nothing half-stored.
                    let store = try RatingStore(path: db)
                    let stored = try store.scores(study: study.name).filter { $0.rater == rater.id }
                    #expect(stored.count == 5 * 3)
                    #expect(Set(stored.map(\.position)) == Set(0..<5))
                    name = launch()
                    #expect(t.wait(name, 20) { $0.contains("Welcome back: 5 of \(order.count) rated") }, "resume: \(t.capture(name))")
                    t.keys(name, ["Enter"])
                    continue
                }
                for a in 0..<3 { t.keys(name, Self.keys(Self.score(rater: rater.index, trial: trial, attribute: a))) }
                if trial.training && !(order[safe: i + 1]?.training ?? true) {
                    #expect(t.wait(name, 10) { $0.contains("Practice is over") }, "after practice: \(t.capture(name))")
                    t.keys(name, ["Enter"])
                }
                i += 1
            }
            #expect(t.wait(name, 10) { $0.contains("All \(order.count) videos are rated") }, "end: \(t.capture(name))")
            t.keys(name, ["q"])
            #expect(t.wait(name, 10) { $0.contains("EXITED 0") }, "exit: \(t.capture(name))")
            #expect(t.capture(name).contains("all \(order.count) videos rated"))
        }

        // Every rating stored once, in each rater's order.
        let store = try RatingStore(path: db)
        let stored = try store.scores(study: study.name)
        #expect(stored.count == 2 * 13 * 3)
        for rater in raters {
            let order = TrialPlan.order(study: study, seed: rater.seed)
            let mine = stored.filter { $0.rater == rater.id }
            #expect(mine.count == order.count * 3)
            for s in mine {
                let trial = order[s.position]
                #expect(s.stimulus == trial.stimulus.id)
                let a = study.attributes.firstIndex(of: s.attribute) ?? -1
                #expect(s.score == Double(Self.score(rater: rater.index, trial: trial, attribute: a)))
                #expect(s.answeredAt >= s.shownAt)
                #expect(s.graphics == "ascii")
                #expect(s.terminal == "100x32")
            }
        }

        // The report against a hand computation of MOS, s (N−1) and 1.96·s/√N.
        let report = try CLI.run(["report", studyPath, "--db", db, "--json", "--csv", dir + "/long.csv", "--sureal-json", dir + "/sureal.json",
                                  "--sureal-matrix", dir + "/matrix.csv", "--cache", cache])
        #expect(report.status == 0, "report: \(report.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 4 * 3)
        for row in rows {
            let method = try #require(row["method"] as? String), attribute = try #require(row["attribute"] as? String)
            let a = try #require(study.attributes.firstIndex(of: attribute))
            var values: [Double] = []
            for rater in raters {
                for trial in TrialPlan.order(study: study, seed: rater.seed) where !trial.training && trial.stimulus.method == method {
                    values.append(Double(Self.score(rater: rater.index, trial: trial, attribute: a)))
                }
            }
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            let s = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
            let mos = try #require(row["mos"] as? [String: Any])
            #expect(mos["n"] as? Int == 6)
            #expect(abs((mos["mean"] as? Double ?? .nan) - mean) < 1e-9, "\(method) \(attribute)")
            #expect(abs((mos["standardDeviation"] as? Double ?? .nan) - s) < 1e-9)
            #expect(abs((mos["confidence95"] as? Double ?? .nan) - 1.96 * s / n.squareRoot()) < 1e-9)
        }
        let csv = try String(contentsOfFile: dir + "/long.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 2 * 12 * 3)
        #expect(csv.contains("\"Bob \"\"B\"\" O'Neil; DROP TABLE ratings;--\""))
        let matrix = try String(contentsOfFile: dir + "/matrix.csv", encoding: .utf8)
        #expect(matrix.split(separator: "\n").count == 1 + 12)
        #expect(FileManager.default.fileExists(atPath: dir + "/sureal.json"))
    }
}
