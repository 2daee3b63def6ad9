import Foundation
import Metrics

/// MOS, DMOS and rater screening of a study's stored ratings (training trials excluded).
///
/// Conventions (stated in every output):
/// - MOS: mean over every rater and clip of a method's scores; s with N − 1; 95% interval 1.96·s/√N
///   (`SummaryStatistics`).
/// - DMOS: for each rater, clip and attribute, d = score(method) − score(hidden reference) + the scale's maximum
///   (ITU-T P.910 ACR-HR's "+5" generalised to the scale's top); DMOS is the mean of d, not clipped, so a method
///   rated above the reference gets more than the maximum.
/// - BT.500 screening (BT.500-13 Annex 2 §2.3.1) over the items (stimulus, attribute): for each item the mean,
///   s (N − 1) and kurtosis β₂ = m₄/m₂²; ε = 2 when 2 ≤ β₂ ≤ 4 (normal) else √20; a rater's score ≥ mean + ε·s
///   counts in P, ≤ mean − ε·s in Q (items with s = 0 count in neither). A rater is rejected when
///   (P+Q)/N > 0.05 and |P−Q|/(P+Q) < 0.3, N the items they scored.
/// - Pearson screening: each rater's scores against the MOS of the same items (MOS over all raters); flagged
///   below the threshold (0.7 by default), or when undefined (a rater who gave one score to everything).
/// - Screening runs only with at least `minimumRatersForScreening` raters; the report says why it did not otherwise.
/// - s and the 95% interval need two scores: with one they are shown as "—", never as 0.
public struct RatingReport: Sendable, Codable {
    public struct Summary: Sendable, Codable, Equatable {
        public var n: Int
        public var mean: Double
        public var standardDeviation: Double
        public var confidence95: Double

        init(_ s: SummaryStatistics) {
            n = s.count
            mean = s.mean
            standardDeviation = s.standardDeviation
            confidence95 = s.confidence95
        }
    }

    public struct Row: Sendable, Codable, Equatable {
        public var method: String
        public var attribute: String
        public var mos: Summary
        /// nil for the reference itself, or when no rater scored both.
        public var dmos: Summary?
    }

    public struct BT500Rater: Sendable, Codable, Equatable {
        public var rater: String
        public var n: Int
        public var p: Int
        public var q: Int
        public var rejected: Bool
    }

    public struct PearsonRater: Sendable, Codable, Equatable {
        public var rater: String
        public var n: Int
        public var r: Double?
        public var flagged: Bool
    }

    public var study: String
    public var scale: String
    public var attributes: [String]
    public var raters: [String]
    public var ratings: Int
    public var trainingRatingsExcluded: Int
    public var rows: [Row]
    public var dmosDefinition: String
    public var bt500: [BT500Rater]
    public var bt500Rejected: [String]
    public var pearsonThreshold: Double
    public var pearson: [PearsonRater]
    public var pearsonFlagged: [String]
    /// Why screening did not run (too few raters), nil when it ran.
    public var screeningSkipped: String?

    /// Raters needed before screening means anything: BT.500's rule tests each item's kurtosis β₂ = m₄/m₂², which
    /// is 1 for any two values and degenerate for three, and with fewer than four raters each item's mean and s are
    /// mostly the screened rater's own scores (the same holds for the Pearson check against the MOS).
    public static let minimumRatersForScreening = 4

    public static let dmosText = "DMOS: per rater, clip and attribute, score(method) − score(hidden reference) + scale maximum (P.910 ACR-HR, +5 generalised), mean over raters × clips, not clipped"

    /// Builds the report from `scores` (as `RatingStore.scores(study:)` returns them).
    public init(study: Study, scores all: [StoredScore], pearsonThreshold: Double = 0.7) {
        let scores = all.filter { !$0.training }
        self.study = study.name
        scale = study.scale.rawValue
        attributes = study.attributes
        raters = Array(Set(scores.map(\.rater))).sorted()
        ratings = scores.count
        trainingRatingsExcluded = all.count - scores.count
        dmosDefinition = Self.dmosText
        self.pearsonThreshold = pearsonThreshold

        // MOS and DMOS.
        let top = Double(study.scale.maximum)
        var reference: [String: Double] = [:]   // rater|clip|attribute → score
        for s in scores where s.method == Study.referenceMethod { reference[s.rater + "\u{1}" + s.clip + "\u{1}" + s.attribute] = s.score }
        var rows: [Row] = []
        let extra = Set(scores.map(\.method)).subtracting(study.methods + [Study.referenceMethod]).sorted()
        for m in [Study.referenceMethod] + study.methods + extra {
            for a in study.attributes {
                let mine = scores.filter { $0.method == m && $0.attribute == a }
                guard !mine.isEmpty else { continue }
                var dmos: Summary?
                if m != Study.referenceMethod {
                    let d = mine.compactMap { s in reference[s.rater + "\u{1}" + s.clip + "\u{1}" + a].map { s.score - $0 + top } }
                    if !d.isEmpty { dmos = Summary(SummaryStatistics(d)) }
                }
                rows.append(Row(method: m, attribute: a, mos: Summary(SummaryStatistics(mine.map(\.score))), dmos: dmos))
            }
        }
        self.rows = rows

        // Screening over items (stimulus, attribute), when there are raters enough for it to mean something.
        if raters.count >= Self.minimumRatersForScreening {
            let matrix = Self.matrix(scores)
            bt500 = Self.bt500(matrix: matrix, raters: raters)
            pearson = Self.pearson(matrix: matrix, raters: raters, threshold: pearsonThreshold)
            screeningSkipped = nil
        } else {
            bt500 = []
            pearson = []
            screeningSkipped = "Rater screening not run: \(raters.count) rater(s), at least \(Self.minimumRatersForScreening) needed "
                + "(BT.500's kurtosis rule is degenerate below four scores per item, and with so few raters each item's mean "
                + "is mostly the screened rater's own score, for the Pearson check too)"
        }
        bt500Rejected = bt500.filter(\.rejected).map(\.rater)
        pearsonFlagged = pearson.filter(\.flagged).map(\.rater)
    }

    /// item ("stimulus|attribute") → rater → score (the latest when a rater somehow has two).
    static func matrix(_ scores: [StoredScore]) -> [String: [String: Double]] {
        var m: [String: [String: Double]] = [:]
        for s in scores { m[s.stimulus + "|" + s.attribute, default: [:]][s.rater] = s.score }
        return m
    }

    /// BT.500-13 Annex 2 §2.3.1 screening (see the type's documentation).
    public static func bt500(matrix: [String: [String: Double]], raters: [String]) -> [BT500Rater] {
        var p: [String: Int] = [:], q: [String: Int] = [:], n: [String: Int] = [:]
        for (_, byRater) in matrix {
            let values = Array(byRater.values)
            let stats = SummaryStatistics(values)
            let beta2 = SummaryStatistics.kurtosis(values)
            let eps = (beta2 >= 2 && beta2 <= 4) ? 2.0 : 20.0.squareRoot()
            for (r, u) in byRater {
                n[r, default: 0] += 1
                guard stats.standardDeviation > 0 else { continue }
                if u >= stats.mean + eps * stats.standardDeviation { p[r, default: 0] += 1 }
                if u <= stats.mean - eps * stats.standardDeviation { q[r, default: 0] += 1 }
            }
        }
        return raters.map { r in
            let pi = p[r] ?? 0, qi = q[r] ?? 0, ni = n[r] ?? 0
            let outside = Double(pi + qi)
            let rejected = ni > 0 && pi + qi > 0 && outside / Double(ni) > 0.05 && abs(Double(pi - qi)) / outside < 0.3
            return BT500Rater(rater: r, n: ni, p: pi, q: qi, rejected: rejected)
        }
    }

    /// Pearson correlation of each rater's scores with the MOS of the same items.
    public static func pearson(matrix: [String: [String: Double]], raters: [String], threshold: Double) -> [PearsonRater] {
        var mos: [String: Double] = [:]
        for (item, byRater) in matrix { mos[item] = byRater.values.reduce(0, +) / Double(byRater.count) }
        return raters.map { r in
            var mine: [Double] = [], means: [Double] = []
            for item in matrix.keys.sorted() {
                if let u = matrix[item]?[r], let m = mos[item] {
                    mine.append(u)
                    means.append(m)
                }
            }
            let c = SummaryStatistics.pearson(mine, means)
            return PearsonRater(rater: r, n: mine.count, r: c.isFinite ? c : nil, flagged: !c.isFinite || c < threshold)
        }
    }

    // MARK: - Text

    /// The human-readable report.
    public var text: String {
        var l: [String] = []
        l.append("Study \(study): \(raters.count) rater(s), \(ratings) scores (\(trainingRatingsExcluded) training scores left out), scale \(scale)")
        l.append("MOS: mean, s with N−1, 95% CI = 1.96·s/√N. " + dmosDefinition)
        l.append("")
        let mw = max(18, rows.map { label($0.method).count }.max() ?? 0), aw = max(9, attributes.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        func lpad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        l.append(pad("method", mw) + "  " + pad("attribute", aw) + "  " + lpad("N", 4) + "  " + lpad("MOS", 6) + "  " + lpad("s", 5) + "  " + lpad("±95%", 6)
                 + "  " + lpad("DMOS", 6) + "  " + lpad("±95%", 6))
        // s and the interval need two scores; one score has no spread to show.
        func spread(_ v: Double, _ n: Int) -> String { n > 1 ? String(format: "%.2f", v) : "—" }
        for r in rows {
            let d = r.dmos.map { (String(format: "%.2f", $0.mean), spread($0.confidence95, $0.n)) } ?? ("—", "—")
            l.append(pad(label(r.method), mw) + "  " + pad(r.attribute, aw) + "  " + lpad("\(r.mos.n)", 4) + "  " + lpad(String(format: "%.2f", r.mos.mean), 6)
                     + "  " + lpad(spread(r.mos.standardDeviation, r.mos.n), 5) + "  " + lpad(spread(r.mos.confidence95, r.mos.n), 6)
                     + "  " + lpad(d.0, 6) + "  " + lpad(d.1, 6))
        }
        l.append("")
        if let why = screeningSkipped {
            l.append(why + ".")
            return l.joined(separator: "\n")
        }
        l.append("Rater screening, BT.500-13 Annex 2 §2.3.1 (kurtosis rule; reject when (P+Q)/N > 0.05 and |P−Q|/(P+Q) < 0.3):")
        for b in bt500 { l.append("  \(RaterID.escaped(b.rater)): N \(b.n), P \(b.p), Q \(b.q)\(b.rejected ? "  → rejected" : "")") }
        l.append("  would reject: " + (bt500Rejected.isEmpty ? "none" : bt500Rejected.map(RaterID.escaped).joined(separator: ", ")))
        l.append(String(format: "Rater screening, Pearson r of a rater's scores against the MOS (flag below %.2f):", pearsonThreshold))
        for p in pearson {
            l.append("  \(RaterID.escaped(p.rater)): N \(p.n), r \(p.r.map { String(format: "%.3f", $0) } ?? "undefined (constant scores)")\(p.flagged ? "  → flagged" : "")")
        }
        l.append("  would flag: " + (pearsonFlagged.isEmpty ? "none" : pearsonFlagged.map(RaterID.escaped).joined(separator: ", ")))
        return l.joined(separator: "\n")
    }

    func label(_ method: String) -> String { method == Study.referenceMethod ? "reference (hidden)" : method }
}

// MARK: - Exports

/// The report's files: a tidy long CSV and Netflix sureal's two input formats.
public enum RatingExport {
    /// One row per score: rater, stimulus, method, clip, attribute, score, shown_at, answered_at (ISO 8601 UTC),
    /// decision_ms, replays (training trials left out).
    public static func longCSV(_ scores: [StoredScore]) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        var out = "rater,stimulus,method,clip,attribute,score,shown_at,answered_at,decision_ms,replays\n"
        for s in scores where !s.training {
            let fields = [s.rater, s.stimulus, s.method, s.clip, s.attribute, number(s.score), f.string(from: s.shownAt), f.string(from: s.answeredAt),
                          "\(s.decisionMilliseconds)", "\(s.replays)"]
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// sureal's matrix CSV for one attribute: a header `stimulus,<rater>,…`, then one row per stimulus with each
    /// rater's score (empty when a rater did not score it).
    public static func surealMatrixCSV(_ scores: [StoredScore], attribute: String) -> String {
        let mine = scores.filter { !$0.training && $0.attribute == attribute }
        let raters = Array(Set(mine.map(\.rater))).sorted()
        let stimuli = Array(Set(mine.map(\.stimulus))).sorted()
        var cell: [String: Double] = [:]
        for s in mine { cell[s.stimulus + "\u{1}" + s.rater] = s.score }
        var out = (["stimulus"] + raters).map(csvField).joined(separator: ",") + "\n"
        for st in stimuli {
            out += ([csvField(st)] + raters.map { r in cell[st + "\u{1}" + r].map(number) ?? "" }).joined(separator: ",") + "\n"
        }
        return out
    }

    /// sureal's dataset (JSON form of its `.py` dataset files): `ref_videos` (one per clip, the hidden reference)
    /// and `dis_videos` (one per stimulus, the reference included as its own asset), each with `os` as a
    /// {rater: score} dictionary, for one attribute.
    public static func surealDataset(_ scores: [StoredScore], study: Study, cache: StimulusCache?, attribute: String) throws -> Data {
        let mine = scores.filter { !$0.training && $0.attribute == attribute }
        var refs: [[String: Any]] = [], dis: [[String: Any]] = []
        var asset = 0
        for i in study.clips.indices {
            let clip = study.clipName(i)
            refs.append(["content_id": i, "content_name": clip, "path": study.clipPath(i)])
            for m in [Study.referenceMethod] + study.methods {
                let s = Stimulus(clip: clip, clipIndex: i, method: m)
                var os: [String: Double] = [:]
                for x in mine where x.stimulus == s.id { os[x.rater] = x.score }
                guard !os.isEmpty else { continue }
                dis.append(["content_id": i, "asset_id": asset, "asset_name": s.id, "os": os,
                            "path": cache?.path(for: s) ?? s.id])
                asset += 1
            }
        }
        let obj: [String: Any] = ["dataset_name": study.safeName + "_" + attribute.replacingOccurrences(of: " ", with: "_"),
                                  "ref_score": Double(study.scale.maximum), "ref_videos": refs, "dis_videos": dis]
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
    }

    static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    /// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. A leading `=`, `+`,
    /// `-` or `@` is prefixed with `'` so a spreadsheet never runs a rater ID as a formula.
    static func csvField(_ s: String) -> String {
        var v = s
        if let c = v.first, "=+-@".contains(c), Double(v) == nil { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
