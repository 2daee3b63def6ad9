import Corpus
import Foundation
import Media
import Metrics

/// The table `dropfill evaluate` prints: one row per method, means over clips (and seeds) with 95% intervals.
public struct EvaluationReport: Sendable, Codable {
    /// One method's row.
    public struct Row: Sendable, Codable {
        public var method: String
        /// Clip × seed results averaged.
        public var results: Int
        /// Restored frames scored, in all.
        public var frames: Int
        public var psnr: SummaryStatistics
        public var ssim: SummaryStatistics
        /// Nil when the frames are too small for five-scale MS-SSIM.
        public var msssim: SummaryStatistics?
        /// Over the dropped slots with speech.
        public var speechPSNR: SummaryStatistics?
        public var speechSSIM: SummaryStatistics?
        /// Restored frames per second of restoration work (scoring excluded).
        public var framesPerSecond: Double
        /// Mouth-box PSNR/SSIM and LMD, over all restored frames and where the mouth moves (evaluate --mouth).
        public var mouth: MouthRow? = nil
        /// Restored frames that held NaN or ±∞ (nil: none); such a row's scores are not to be trusted.
        public var nonFiniteFrames: Int?
        /// Seconds of restoration work in all (what `framesPerSecond` divides by).
        public var seconds: Double?
    }

    public var settings: EvaluationSettings
    public var clips: Int
    public var rows: [Row]
    /// Position bias Ali_b over the clip × seed results, when positions were estimated.
    public var positionBias: PositionBiasSummary?
    /// Per-result Ali_b statistics (mean with its interval) to go with `positionBias`.
    public var positionBiasStatistics: SummaryStatistics?
    /// Clips where some frames had no face or landmarks (their mouth scores leave those frames out).
    public var mouthNotes: [String] = []

    public init(settings: EvaluationSettings, results: [ClipResult]) throws(CorpusError) {
        guard !results.isEmpty else { throw .emptyCorpus("no results to report") }
        self.settings = settings
        clips = Set(results.map(\.clip)).count
        var order: [String] = []
        for r in results { for m in r.methods where !order.contains(m.method) { order.append(m.method) } }
        rows = order.map { method in
            let scores = results.compactMap { r in r.methods.first { $0.method == method } }
            let ms = scores.compactMap(\.all.msssim)
            let sp = scores.compactMap(\.speech)
            let frames = scores.reduce(0) { $0 + $1.all.frames }
            let seconds = scores.reduce(0) { $0 + $1.seconds }
            let nonFinite = scores.reduce(0) { $0 + ($1.nonFiniteFrames ?? 0) }
            return Row(method: method, results: scores.count, frames: frames,
                       psnr: SummaryStatistics(scores.map(\.all.psnr)), ssim: SummaryStatistics(scores.map(\.all.ssim)),
                       msssim: ms.isEmpty ? nil : SummaryStatistics(ms),
                       speechPSNR: sp.isEmpty ? nil : SummaryStatistics(sp.map(\.psnr)),
                       speechSSIM: sp.isEmpty ? nil : SummaryStatistics(sp.map(\.ssim)),
                       framesPerSecond: seconds > 0 ? Double(frames) / seconds : 0, mouth: MouthRow(scores.compactMap(\.mouth)),
                       nonFiniteFrames: nonFinite > 0 ? nonFinite : nil, seconds: seconds)
        }
        mouthNotes = results.compactMap { r in r.mouthNote.map { "\(r.clip) seed \(r.seed): \($0)" } }
        let biases = results.compactMap(\.positionBias)
        positionBias = biases.isEmpty ? nil : try? PositionBiasSummary(biases)
        positionBiasStatistics = biases.isEmpty ? nil : SummaryStatistics(biases.map { Double($0.total) })
    }

    // MARK: - Text

    /// The table as text: mean ± 95% half-interval per column.
    public func text() -> String {
        let cell = Self.cell
        let d = settings.drop
        var lines = [
            "drop \(d.model.rawValue) at rate \(d.rate), \(settings.seeds) seed(s) from \(d.seed); \(clips) clip(s); " +
            "positions: \(settings.positions); frames: \(settings.preparation.crop.rawValue) crop \(settings.preparation.size)²; " +
            "metrics over restored frames only, \(settings.convention)",
            "",
        ]
        let header = ["method", "PSNR (dB)", "SSIM", "MS-SSIM", "speech PSNR", "frames", "frames/s"]
        var table = [header]
        for r in rows {
            table.append([r.method, cell(r.psnr, 2), cell(r.ssim, 4), cell(r.msssim, 4), cell(r.speechPSNR, 2),
                          "\(r.frames)", Self.speedText(frames: r.frames, seconds: r.seconds ?? 0)])
        }
        lines.append(contentsOf: Self.layout(table))
        lines.append(contentsOf: mouthText())
        for r in rows {
            if let bad = r.nonFiniteFrames {
                lines.append("warning: \(r.method) restored \(bad) of \(r.frames) frames with NaN or infinite values; its scores are not meaningful")
            }
        }
        if rows.contains(where: { Self.speedText(frames: $0.frames, seconds: $0.seconds ?? 0) == "—" }) {
            lines.append(Self.speedFootnote)
        }
        if let b = positionBias, let s = positionBiasStatistics {
            lines.append("")
            let spread = s.count > 1 ? String(format: "%.2f", s.confidence95) : "—"
            lines.append(String(format: "position bias Ali_b (positions by %@): average %.2f ± %@, median %.1f, exact %.1f%% of surviving frames",
                                settings.positions, b.mean, spread, b.median, 100 * b.exactShare))
        }
        return lines.joined(separator: "\n")
    }

    /// "mean ± 95% half-interval" with `digits` decimals, "—" when there is nothing.
    static func cell(_ s: SummaryStatistics?, _ digits: Int) -> String {
        guard let s, s.count > 0 else { return "—" }
        // One sample has no spread: no interval, not "± 0.00".
        guard s.count > 1 else { return String(format: "%.\(digits)f ± —", s.mean) }
        return String(format: "%.\(digits)f ± %.\(digits)f", s.mean, s.confidence95)
    }

    /// A table's rows as aligned text lines (first column left-aligned, the others right-aligned, a rule under the
    /// header row).
    static func layout(_ table: [[String]]) -> [String] {
        guard let header = table.first else { return [] }
        let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        var lines: [String] = []
        for (i, row) in table.enumerated() {
            lines.append(row.enumerated().map { c, v in c == 0 ? v.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[c] - v.count) + v }.joined(separator: "  "))
            if i == 0 { lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")) }
        }
        return lines
    }

    /// Frames per second as a table shows it: "—" when the work took under `minimumSeconds` in all (a copy or a
    /// hold is timed by the clock's resolution, not its cost: 3 million frames/s says nothing).
    public static func speedText(frames: Int, seconds: Double, minimumSeconds: Double = 0.05) -> String {
        guard frames > 0, seconds >= minimumSeconds else { return "—" }
        return String(format: "%.1f", Double(frames) / seconds)
    }

    /// The footnote for `speedText`'s "—".
    public static let speedFootnote = "frames/s: — when a method took under 50 ms in all (too fast to time)"

    // MARK: - CSV

    /// The mouth columns `csv` adds when any result has mouth scores (`evaluate --mouth`): over all restored frames,
    /// then over the frames where the true mouth moves; empty cells where a run had none.
    public static let mouthCSVColumns = ["mouth_frames", "mouth_psnr", "mouth_ssim", "lmd_frames", "lmd",
                                         "moving_frames", "moving_mouth_psnr", "moving_mouth_ssim", "moving_lmd_frames", "moving_lmd"]

    /// One row per clip, seed and method (a tidy table for other tools); with the mouth columns when any result has
    /// mouth scores.
    public static func csv(_ results: [ClipResult]) -> String {
        let withMouth = results.contains { $0.methods.contains { $0.mouth != nil } }
        var out = "clip,person,seed,slots,survivors,method,frames,psnr,ssim,msssim,speech_frames,speech_psnr,speech_ssim,seconds,ali_b,exact"
            + (withMouth ? "," + mouthCSVColumns.joined(separator: ",") : "") + "\n"
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        func f(_ v: Double?) -> String { v.map { String(format: "%.6f", $0) } ?? "" }
        func mouth(_ m: MouthSummary?) -> [String] {
            [m.map { "\($0.frames)" } ?? "", f(m?.psnr), f(m?.ssim), m.map { "\($0.lmdFrames)" } ?? "", f(m?.lmd)]
        }
        for r in results {
            for m in r.methods {
                var fields = [q(r.clip), q(r.person), "\(r.seed)", "\(r.slotCount)", "\(r.survivors)", q(m.method), "\(m.all.frames)",
                              f(m.all.psnr), f(m.all.ssim), f(m.all.msssim), m.speech.map { "\($0.frames)" } ?? "", f(m.speech?.psnr),
                              f(m.speech?.ssim), f(m.seconds), r.positionBias.map { "\($0.total)" } ?? "", r.positionBias.map { "\($0.exact)" } ?? ""]
                if withMouth { fields += mouth(m.mouth?.all) + mouth(m.mouth?.moving) }
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    // MARK: - Plot (the paper's Fig. 12)

    /// PSNR against drop rate, one line per method, from reports at several rates.
    public static func sweepPlot(_ reports: [EvaluationReport], metric: KeyPath<Row, SummaryStatistics> = \.psnr,
                                 label: String = "PSNR (dB)") throws(MediaError) -> VideoFrame {
        var methods: [String] = []
        for r in reports { for row in r.rows where !methods.contains(row.method) { methods.append(row.method) } }
        let series = methods.map { m in
            LinePlot.Series(name: m, points: reports.compactMap { r in
                r.rows.first { $0.method == m }.map { (x: r.settings.drop.rate, y: $0[keyPath: metric].mean) }
            })
        }
        return try LinePlot(title: "Restored frames against drop rate", xLabel: "drop rate", yLabel: label, series: series).render()
    }
}
