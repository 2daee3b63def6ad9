import Foundation
import Testing
@testable import Rating

/// MOS, CI and DMOS against hand computation; the screening rules on cases built for them; the export formats.
@Suite struct RatingReportTests {
    func score(_ rater: String, _ clip: String, _ method: String, _ attribute: String, _ v: Double, training: Bool = false) -> StoredScore {
        StoredScore(rater: rater, stimulus: clip + "/" + method, clip: clip, method: method, attribute: attribute, score: v, training: training,
                    position: 0, shownAt: Date(timeIntervalSince1970: 0), answeredAt: Date(timeIntervalSince1970: 2.5),
                    decisionMilliseconds: 900, replays: 0, terminal: "80x24", graphics: "ascii", softwareVersion: "t")
    }

    @Test func mosConfidenceAndDMOSMatchHandComputation() throws {
        let study = RatingFixtures.study(clips: 2, methods: ["hold"], attributes: ["Overall"])
        // hold scores: 6, 8 (rater a, clips c0 c1), 5, 9 (rater b); references 10, 9, 8, 10.
        let scores = [
            score("a", "c0", "hold", "Overall", 6), score("a", "c1", "hold", "Overall", 8),
            score("b", "c0", "hold", "Overall", 5), score("b", "c1", "hold", "Overall", 9),
            score("a", "c0", "reference", "Overall", 10), score("a", "c1", "reference", "Overall", 9),
            score("b", "c0", "reference", "Overall", 8), score("b", "c1", "reference", "Overall", 10),
            score("a", "c0", "hold", "Overall", 1, training: true),
        ]
        let report = RatingReport(study: study, scores: scores)
        let hold = try #require(report.rows.first { $0.method == "hold" })
        // Mean 7; deviations −1, 1, −2, 2 → s = √(10/3); CI = 1.96·s/2.
        #expect(hold.mos.n == 4)
        #expect(abs(hold.mos.mean - 7) < 1e-12)
        #expect(abs(hold.mos.standardDeviation - (10.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(hold.mos.confidence95 - 1.96 * (10.0 / 3).squareRoot() / 2) < 1e-12)
        // DMOS: 6−10+10, 8−9+10, 5−8+10, 9−10+10 = 6, 9, 7, 9 → mean 7.75.
        #expect(abs((hold.dmos?.mean ?? 0) - 7.75) < 1e-12)
        #expect(report.trainingRatingsExcluded == 1)
        #expect(report.rows.first { $0.method == "reference" }?.dmos == nil)
        #expect(report.text.contains("reference (hidden)"))
    }

    @Test func bt500RuleCountsPAndQAsTheStandardSays() {
        // 20 ordinary raters whose scores spread like a normal sample (β₂ stays in [2, 4] with one deviant added,
        // so ε = 2), and one deviant per matrix. Per item: others' mean 5.5; a 9.4 lands above mean + 2s, a 1.6 below
        // mean − 2s (checked with numpy: mean 5.69 / 5.31, s 1.47, β₂ 3.39).
        let others: [Double] = [3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 5, 6, 4, 6, 5]
        let names = others.indices.map { "r\($0)" }
        func matrix(_ deviant: (Int) -> Double) -> [String: [String: Double]] {
            var m: [String: [String: Double]] = [:]
            for item in 0..<20 {
                var row: [String: Double] = [:]
                for (i, v) in others.enumerated() { row[names[(i + item) % names.count]] = v }
                row["deviant"] = deviant(item)
                m["i\(item)"] = row
            }
            return m
        }
        // Both ways: P = Q = 10 of N = 20, (P+Q)/N = 1 > 0.05 and |P−Q|/(P+Q) = 0 < 0.3: rejected.
        let both = RatingReport.bt500(matrix: matrix { $0 % 2 == 0 ? 9.4 : 1.6 }, raters: names + ["deviant"])
        #expect(both.last == RatingReport.BT500Rater(rater: "deviant", n: 20, p: 10, q: 10, rejected: true))
        #expect(both.dropLast().allSatisfy { !$0.rejected })
        // One way only: P = 20, Q = 0, |P−Q|/(P+Q) = 1: kept (a strict but consistent rater).
        let high = RatingReport.bt500(matrix: matrix { _ in 9.4 }, raters: names + ["deviant"])
        #expect(high.last == RatingReport.BT500Rater(rater: "deviant", n: 20, p: 20, q: 0, rejected: false))
        // Nobody disagrees: s = 0 counts nothing.
        let flat = RatingReport.bt500(matrix: ["i": ["a": 5, "b": 5, "c": 5]], raters: ["a", "b", "c"])
        #expect(flat.allSatisfy { $0.p == 0 && $0.q == 0 && !$0.rejected })
    }

    @Test func syntheticStudyRejectsTheInvertedRater() throws {
        // A synthetic database: 8 careful raters (truth ± small noise) and one who scores inverted (11 − truth).
        let dir = RatingFixtures.temporaryFolder("screen")
        defer { RatingFixtures.cleanup(dir) }
        let store = try RatingStore(path: dir + "/r.sqlite")
        let study = RatingFixtures.study(clips: 4, methods: ["hold", "blend", "minterpolate"], training: 0)
        let truth: [String: Int] = ["hold": 3, "blend": 6, "minterpolate": 7, "reference": 10]
        let raters = (0..<8).map { "careful-\($0)" } + ["inverted"]
        for (n, name) in raters.enumerated() {
            let rec = try store.rater(name, study: study, newSeed: UInt64(n))
            let s = try store.startSession(raterKey: rec.key, info: RatingFixtures.info)
            for t in rec.order {
                let base = truth[t.stimulus.method]! + (t.stimulus.clipIndex % 2 == 0 ? -1 : 1)
                let noise = (n + t.stimulus.clipIndex) % 3 - 1
                let v = name == "inverted" ? 11 - base : min(10, max(1, base + noise))
                try store.save(CompletedRating(raterKey: rec.key, sessionKey: s, position: t.position, stimulus: t.stimulus, training: false,
                                               scores: [v, v, v], shownAt: Date(), answeredAt: Date(), decisionMilliseconds: 10, replays: 0),
                               attributes: study.attributes, info: RatingFixtures.info)
            }
        }
        let report = RatingReport(study: study, scores: try store.scores(study: study.name))
        #expect(report.pearsonFlagged == ["inverted"])
        #expect(report.bt500Rejected == ["inverted"])
        #expect((report.pearson.first { $0.rater == "inverted" }?.r ?? 1) < 0)
        #expect(report.text.contains("would reject: inverted"))
    }

    /// One rater: MOS per method, no spread ("—", not s = 0), no screening, and the report says why.
    @Test func reportForOneRater() throws {
        let study = RatingFixtures.study(clips: 1, methods: ["hold"], attributes: ["Overall"])
        let report = RatingReport(study: study, scores: [score("a", "c0", "hold", "Overall", 6), score("a", "c0", "reference", "Overall", 9)])
        let hold = try #require(report.rows.first { $0.method == "hold" })
        #expect(hold.mos.n == 1 && hold.mos.mean == 6)
        #expect(hold.dmos?.mean == 7)
        #expect(report.bt500.isEmpty && report.pearson.isEmpty)
        #expect(report.screeningSkipped?.contains("1 rater(s), at least 4 needed") == true)
        let line = try #require(report.text.split(separator: "\n").first { $0.hasPrefix("hold") })
        #expect(!line.contains("0.00"), "one score has no s: \(line)")
        #expect(line.contains("—"))
        #expect(report.text.contains("Rater screening not run"))
        #expect(!report.text.contains("would reject"))
    }

    /// Two raters: means and s over both (s with N − 1), DMOS per rater, screening still not run.
    @Test func reportForTwoRaters() throws {
        let study = RatingFixtures.study(clips: 1, methods: ["hold"], attributes: ["Overall"])
        let report = RatingReport(study: study, scores: [
            score("a", "c0", "hold", "Overall", 6), score("a", "c0", "reference", "Overall", 9),
            score("b", "c0", "hold", "Overall", 8), score("b", "c0", "reference", "Overall", 10),
        ])
        let hold = try #require(report.rows.first { $0.method == "hold" })
        #expect(hold.mos.n == 2 && hold.mos.mean == 7)
        #expect(abs(hold.mos.standardDeviation - 2.0.squareRoot()) < 1e-12)
        // DMOS: 6 − 9 + 10 = 7 and 8 − 10 + 10 = 8.
        #expect(hold.dmos?.mean == 7.5)
        #expect(report.raters == ["a", "b"])
        #expect(report.screeningSkipped?.contains("2 rater(s)") == true)
        let line = try #require(report.text.split(separator: "\n").first { $0.hasPrefix("hold") })
        #expect(line.contains("1.41"), "s = √2: \(line)")
    }

    @Test func longCSVQuotesAndDefusesOddIDs() {
        let rows = [score("Bob, \"the\" rater", "c0", "hold", "Overall", 7), score("=cmd()", "c0", "hold", "Overall", 6),
                    score("x", "c0", "hold", "Overall", 1, training: true)]
        let csv = RatingExport.longCSV(rows).split(separator: "\n").map(String.init)
        #expect(csv[0] == "rater,stimulus,method,clip,attribute,score,shown_at,answered_at,decision_ms,replays")
        #expect(csv.count == 3)
        #expect(csv[1].hasPrefix("\"Bob, \"\"the\"\" rater\",c0/hold,hold,c0,Overall,7,1970-01-01T00:00:00.000Z,1970-01-01T00:00:02.500Z,900,0"))
        #expect(csv[2].hasPrefix("'=cmd(),"))
    }

    @Test func surealFormatsHaveTheirShape() throws {
        let study = RatingFixtures.study(clips: 1, methods: ["hold"], attributes: ["Overall"])
        let rows = [score("a", "c0", "hold", "Overall", 6), score("b", "c0", "hold", "Overall", 8), score("a", "c0", "reference", "Overall", 10)]
        let matrix = RatingExport.surealMatrixCSV(rows, attribute: "Overall")
        #expect(matrix == "stimulus,a,b\nc0/hold,6,8\nc0/reference,10,\n")
        let data = try RatingExport.surealDataset(rows, study: study, cache: nil, attribute: "Overall")
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let refs = try #require(obj["ref_videos"] as? [[String: Any]])
        let dis = try #require(obj["dis_videos"] as? [[String: Any]])
        #expect(refs.count == 1)
        #expect(refs[0]["content_id"] as? Int == 0)
        #expect(dis.count == 2)
        #expect(dis.allSatisfy { $0["content_id"] as? Int == 0 && $0["asset_id"] != nil })
        let hold = try #require(dis.first { $0["asset_name"] as? String == "c0/hold" })
        #expect((hold["os"] as? [String: Double]) == ["a": 6, "b": 8])
        #expect(obj["ref_score"] as? Double == 10)
    }
}
