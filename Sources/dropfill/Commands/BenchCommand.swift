import ArgumentParser
import Foundation
import Tensor

/// `dropfill bench`: the speed measurements, one subcommand per engine part.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of the engine's parts (medians of repeated runs; never a pass/fail test).",
        discussion: """
            The machine may be shared: every report states the load average and compares throughput with a baseline measured in the same run.

            Examples:
              dropfill bench tensor
              dropfill bench tensor --json --repetitions 9
            """,
        // Add one line per benchmark subcommand.
        subcommands: [
            BenchTensorCommand.self,
            BenchRestoreCommand.self,
            BenchDecodeCommand.self,
            BenchInspectorCommand.self,
            BenchAlignCommand.self,
            BenchRestoreClipCommand.self,
            BenchLandmarksCommand.self,
        ]
    )
}

/// `dropfill bench tensor`: sgemm, conv2d forward/backward as a share of same-run sgemm, warping, training-step memory.
struct BenchTensorCommand: ParsableCommand, BenchRole, ThreadRole {
    static let repetitions = 5
    static let threads = 2

    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Measure sgemm, 3×3 conv2d forward/backward, warping and a training step's peak memory.",
        discussion: """
            Conv shapes: 3×3, C→C channels (C = 32, 64), padding 1, on S×S inputs (S = 64, 128, 256), batch 1 and 8. Each conv's GFLOP/s (2·C·C·9·S·S·N flops forward, twice that backward) is reported as a fraction of the sgemm GFLOP/s at that layer's product shape (M = C, N = S·S, K = 9·C), measured in the same loop. Goals: forward ≥ 0.70 and backward ≥ 0.50 of sgemm on two threads; warping a 256² RGB frame < 1 ms. OpenBLAS threads follow OPENBLAS_NUM_THREADS, else --threads (default 2).

            Examples:
              dropfill bench tensor
              dropfill bench tensor --sizes 64,128 --repetitions 3
              OPENBLAS_NUM_THREADS=1 dropfill bench tensor --json > bench-1thread.json
            """
    )


    @Option(help: "Input sizes S (comma-separated).")
    var sizes: String = "64,128,256"

    @Option(help: "Channel counts C (comma-separated).")
    var channels: String = "32,64"

    @Option(help: "Batch sizes (comma-separated).")
    var batches: String = "1,8"

    @OptionGroup
    var bench: BenchOptions<BenchTensorCommand>

    @OptionGroup
    var threads: ThreadOptions<BenchTensorCommand>

    func run() throws {
        threads.configure()
        let repetitions = bench.repetitions
        func list(_ s: String, _ name: String) throws -> [Int] {
            let values = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { throw ValidationError("--\(name) needs positive integers, got '\(s)'") }
            return values
        }
        let report = try TensorBenchmark.run(repetitions: max(1, repetitions), channels: list(channels, "channels"),
                                             sizes: list(sizes, "sizes"), batches: list(batches, "batches"),
                                             progress: { Progress.log("bench: \($0)") })
        if bench.json {
            try printJSON(report)
        } else {
            print(BenchTensorReport.text(report))
        }
    }
}

/// The human-readable form of `TensorBenchmark.Report`.
enum BenchTensorReport {
    static func text(_ r: TensorBenchmark.Report) -> String {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        var lines: [String] = []
        lines.append("threads     OpenBLAS \(r.blasThreads), cores \(r.cores); medians of \(r.repetitions) repetitions")
        lines.append("load        \(r.loadAverageBefore.map { f($0, 2) }.joined(separator: " ")) before, \(r.loadAverageAfter.map { f($0, 2) }.joined(separator: " ")) after")
        lines.append("sgemm       1024³: \(f(r.sgemm1024GFLOPs)) GFLOP/s")
        lines.append("")
        lines.append("conv 3×3 C→C, pad 1     fwd ms   GFLOP/s  bwd ms   GFLOP/s  sgemm GFLOP/s  fwd/sgemm  bwd/sgemm")
        for c in r.conv {
            let name = "C=\(c.channels) \(c.size)² N=\(c.batch)".padding(toLength: 22, withPad: " ", startingAt: 0)
            lines.append("  \(name)" + [f(c.forwardMs, 2), f(c.forwardGFLOPs), f(c.backwardMs, 2), f(c.backwardGFLOPs), f(c.sgemmGFLOPs)]
                .map { $0.leftPad(9) }.joined() + f(c.forwardRatio, 2).leftPad(13) + f(c.backwardRatio, 2).leftPad(11))
        }
        lines.append("")
        lines.append("warp        \(r.warp.frame): forward \(f(r.warp.forwardMs, 3)) ms, backward \(f(r.warp.backwardMs, 3)) ms")
        lines.append("train step  \(r.trainingStep.network)")
        lines.append("            \(f(r.trainingStep.stepMs)) ms per step; max RSS \(f(r.trainingStep.rssBeforeMB)) MB before, \(f(r.trainingStep.peakRSSMB)) MB after")
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPad(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
