// alignment-table.swift — the Table III-style rows of README's test-person table from `evaluate --csv` files.
//
// Per aligner CSV (one row per clip × seed × method; the first method's rows are used): Ali_b average ± 95%,
// median and exact share overall (`PositionBiasSummary`, `SummaryStatistics`: the statistics `evaluate` prints),
// the mean per source (sources from SampleData/corpora/split.tsv, by clip file name), and the paired difference
// against a baseline CSV per clip and seed (mean ± 95% of the differences, the same `SummaryStatistics`).
// It computes no statistic of its own: it links the Metrics module of a release build.
//
//   swift build -c release --product dropfill
//   swiftc -O scripts/alignment-table.swift -I .build/release/Modules .build/release/Metrics.build/*.o \
//       -o /tmp/alignment-table
//   /tmp/alignment-table SampleData/corpora/split.tsv visual.csv uniform.csv visual.csv dp.csv …
//       (arguments: split, baseline CSV, then the CSVs of the rows)

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

let args = CommandLine.arguments
guard args.count >= 4 else {
    print("usage: alignment-table SPLIT.tsv BASELINE.csv ROW.csv …")
    exit(2)
}
// Source of each clip file name, from the split's path and source columns.
var sourceOf: [String: String] = [:]
for line in try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n").dropFirst() {
    let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    guard f.count >= 3 else { continue }
    sourceOf[URL(fileURLWithPath: f[0]).lastPathComponent] = f[2]
}
let baseline = try runs(args[2])
let baseKey = Dictionary(baseline.map { ("\($0.clip)#\($0.seed)", $0.bias.total) }, uniquingKeysWith: { a, _ in a })
let sources = Array(Set(baseline.map { sourceOf[$0.clip] ?? "?" })).sorted()
print("file | runs | Ali_b average ± 95% | median | exact | " + sources.joined(separator: " | ") + " | paired vs baseline ± 95% (N)")
for path in args.dropFirst(3) {
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
