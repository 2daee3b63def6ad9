// evaluation-table.swift — README's test-person tables from `evaluate --csv` files.
//
// It computes no statistic of its own: it links the Metrics module of a release build (`PositionBiasSummary`,
// `SummaryStatistics`: the statistics `evaluate` prints).
//
//   swift build -c release --product dropfill
//   swiftc -O scripts/evaluation-table.swift -I .build/release/Modules .build/release/Metrics.build/*.o \
//       -o /tmp/evaluation-table
//
// alignment SPLIT.tsv BASELINE.csv ROW.csv …
//   Table III-style rows, one per aligner CSV (one row per clip × seed × method; the first method's rows are used):
//   Ali_b average ± 95%, median and exact share overall, the mean per source (sources from
//   SampleData/corpora/split.tsv, by clip file name), and the paired difference against the baseline CSV per clip
//   and seed (mean ± 95% of the differences).
//
// restoration COLUMN BASELINE.csv:METHOD ROW.csv:METHOD …
//   For one CSV column (psnr, ssim, msssim, mouth_psnr, moving_lmd, …): each row's mean ± 95% over its clip × seed
//   runs, and its paired difference against the baseline per clip and seed (mean ± 95%, runs ahead / runs). Rows
//   may come from different CSVs (e.g. fenet at true and at estimated positions). Empty cells (no landmarks) are
//   left out of both sides.

import Foundation
import Metrics

/// One clip × seed of an evaluate CSV.
struct Run {
    var clip: String
    var seed: Int
    var bias: PositionBias
}

/// Splits one CSV line (fields quoted with "" when they hold a comma, as `EvaluationReport.csv` writes them).
func fields(_ line: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { cur.append("\""); chars.removeFirst() } else { quoted = false }
            } else { cur.append(c) }
        } else if c == "\"" { quoted = true } else if c == "," { out.append(cur); cur = "" } else { cur.append(c) }
    }
    out.append(cur)
    return out
}

/// The runs of the first method in an evaluate CSV.
func runs(_ path: String) throws -> [Run] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    guard let header = lines.first.map(fields) else { return [] }
    func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
    let (clip, seed, method, survivors, ali, exact) = (column("clip"), column("seed"), column("method"), column("survivors"),
                                                       column("ali_b"), column("exact"))
    var first: String?
    var out: [Run] = []
    for line in lines.dropFirst() {
        let f = fields(line)
        guard f.count == header.count, let s = Int(f[seed]), let n = Int(f[survivors]), let a = Int(f[ali]), let e = Int(f[exact])
        else { continue }
        if first == nil { first = f[method] }
        guard f[method] == first else { continue }
        // A PositionBias with the CSV's figures (the type is built from positions): the first n − e frames carry
        // the total a between them (each at least 1 slot off), the other e are exact.
        var predicted = [Int](repeating: 0, count: n)
        let wrong = n - e
        for i in 0..<wrong { predicted[i] = a / wrong + (i < a % wrong ? 1 : 0) }
        let bias = try PositionBias(predicted: predicted, truth: [Int](repeating: 0, count: n))
        guard bias.total == a, bias.exact == e else { throw CocoaError(.fileReadCorruptFile) }
        out.append(Run(clip: URL(fileURLWithPath: f[clip]).lastPathComponent, seed: s, bias: bias))
    }
    return out
}

/// One column of one method's runs in an evaluate CSV, by "clip#seed".
func column(_ path: String, method: String, name: String) throws -> [String: Double] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    guard let header = lines.first.map(fields) else { return [:] }
    guard let c = header.firstIndex(of: name), let m = header.firstIndex(of: "method"), let clip = header.firstIndex(of: "clip"),
          let seed = header.firstIndex(of: "seed") else {
        print("\(path) has no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        exit(2)
    }
    var out: [String: Double] = [:]
    for line in lines.dropFirst() {
        let f = fields(line)
        guard f.count == header.count, f[m] == method, let v = Double(f[c]), v.isFinite else { continue }
        out["\(f[clip])#\(f[seed])"] = v
    }
    return out
}

/// `alignment SPLIT.tsv BASELINE.csv ROW.csv …`
func alignmentTable(_ args: [String]) throws {
    guard args.count >= 3 else {
        print("usage: evaluation-table alignment SPLIT.tsv BASELINE.csv ROW.csv …")
        exit(2)
    }
    // Source of each clip file name, from the split's path and source columns.
    var sourceOf: [String: String] = [:]
    for line in try String(contentsOfFile: args[0], encoding: .utf8).split(separator: "\n").dropFirst() {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 3 else { continue }
        sourceOf[URL(fileURLWithPath: f[0]).lastPathComponent] = f[2]
    }
    let baseline = try runs(args[1])
    let baseKey = Dictionary(baseline.map { ("\($0.clip)#\($0.seed)", $0.bias.total) }, uniquingKeysWith: { a, _ in a })
    let sources = Array(Set(baseline.map { sourceOf[$0.clip] ?? "?" })).sorted()
    print("file | runs | Ali_b average ± 95% | median | exact | " + sources.joined(separator: " | ") + " | paired vs baseline ± 95% (N)")
    for path in args.dropFirst(2) {
        let r = try runs(path)
        let all = SummaryStatistics(r.map { Double($0.bias.total) })
        let summary = try PositionBiasSummary(r.map(\.bias))
        let perSource = sources.map { s in
            String(format: "%.1f", SummaryStatistics(r.filter { (sourceOf[$0.clip] ?? "?") == s }.map { Double($0.bias.total) }).mean)
        }
        let diffs = r.compactMap { run in baseKey["\(run.clip)#\(run.seed)"].map { Double(run.bias.total - $0) } }
        let d = SummaryStatistics(diffs)
        print(String(format: "%@ | %d | %.1f ± %.1f | %.1f | %.1f%% | ", URL(fileURLWithPath: path).lastPathComponent, r.count,
                     all.mean, all.confidence95, summary.median, 100 * summary.exactShare)
              + perSource.joined(separator: " | ")
              + String(format: " | %+.1f ± %.1f (%d)", d.mean, d.confidence95, d.count))
    }
}

/// `restoration COLUMN BASELINE.csv:METHOD ROW.csv:METHOD …`
func restorationTable(_ args: [String]) throws {
    guard args.count >= 3 else {
        print("usage: evaluation-table restoration COLUMN BASELINE.csv:METHOD ROW.csv:METHOD …")
        exit(2)
    }
    func split(_ spec: String) -> (path: String, method: String) {
        guard let colon = spec.lastIndex(of: ":") else { print("'\(spec)' is not CSV:METHOD"); exit(2) }
        return (String(spec[..<colon]), String(spec[spec.index(after: colon)...]))
    }
    let name = args[0]
    let base = split(args[1])
    let baseline = try column(base.path, method: base.method, name: name)
    print("\(name) | runs | mean ± 95% | paired vs \(URL(fileURLWithPath: base.path).lastPathComponent):\(base.method) ± 95% | ahead / runs")
    for spec in args.dropFirst(1) {
        let row = split(spec)
        let values = try column(row.path, method: row.method, name: name)
        let all = SummaryStatistics(Array(values.values))
        let diffs = values.compactMap { key, v in baseline[key].map { v - $0 } }
        let d = SummaryStatistics(diffs)
        print(String(format: "%@:%@ | %d | %.4f ± %.4f | %+.4f ± %.4f | %d / %d", URL(fileURLWithPath: row.path).lastPathComponent,
                     row.method, values.count, all.mean, all.confidence95, d.mean, d.confidence95, diffs.filter { $0 > 0 }.count,
                     diffs.count))
    }
}

let args = CommandLine.arguments
switch args.count > 1 ? args[1] : "" {
case "alignment": try alignmentTable(Array(args.dropFirst(2)))
case "restoration": try restorationTable(Array(args.dropFirst(2)))
default:
    print("usage: evaluation-table alignment SPLIT.tsv BASELINE.csv ROW.csv …")
    print("       evaluation-table restoration COLUMN BASELINE.csv:METHOD ROW.csv:METHOD …")
    exit(2)
}
