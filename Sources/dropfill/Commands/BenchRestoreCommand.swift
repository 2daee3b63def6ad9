import ArgumentParser
import Foundation
import Pipeline
import Restoration
import Tensor

/// `dropfill bench restore`: FE-Net restored frames per second and peak memory, beside same-run sgemm GFLOP/s.
struct BenchRestoreCommand: ParsableCommand, BenchRole, ThreadRole {
    static let repetitions = 7
    static let threads = 2

    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Measure FE-Net (and RIFE) restoration speed (restored frames/s on gaps of 7 frames) and peak memory.",
        discussion: """
            Restores one gap of --gap frames (7 ≈ the mean gap at drop rate 0.87) between two S×S frames, --repetitions times per size, and reports the median restored frames per second; the flow between the gap's neighbours is computed once per gap, as in real use. The same-run sgemm 1024³ GFLOP/s is printed beside it (the machine may be shared), with the load average. Weights: the model file (--model, default the shipped fenet.safetensors; the default architecture with random weights when there is none — the speed is the same); --methods fenet,rife also measures RIFE HDv3 (its weights come from scripts/setup.sh), each with its own same-run sgemm; fenet-lips includes the landmark search on both neighbours of each gap. Goals: ≥ 30 frames/s at 256², ≥ 100 at 128², on two cores. OpenBLAS threads follow OPENBLAS_NUM_THREADS, else --threads (default 2).

            Examples:
              dropfill bench restore --size 256
              dropfill bench restore --sizes 128,256 --json
              dropfill bench restore --size 256 --methods fenet,rife
              OPENBLAS_NUM_THREADS=1 dropfill bench restore --size 128
            """
    )

    @Option(help: "Frame side S (shorthand for --sizes S).")
    var size: Int?

    @Option(help: "Frame sides (comma-separated).")
    var sizes: String = "128,256"

    @Option(help: "Frames per gap.")
    var gap: Int = 7


    @Option(help: "FE-Net model file (default: the shipped fenet.safetensors).", completion: .file())
    var model: String?

    @Option(help: "Methods to measure, comma-separated: fenet, fenet2 (FE-Net v2, RIFE trunk), rife (RIFE HDv3, weights from scripts/setup.sh).")
    var methods: String = "fenet"

    @OptionGroup
    var benchOptions: BenchOptions<BenchRestoreCommand>

    @OptionGroup
    var threadOptions: ThreadOptions<BenchRestoreCommand>

    /// The shared options under the names the measurement reads.
    var repetitions: Int { benchOptions.repetitions }
    var json: Bool { benchOptions.json }
    var threads: Int { threadOptions.threads }

    func run() throws {
        BLASThreads.configure(fallback: threads)
        let list = size.map { [$0] } ?? sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 >= 16 && $0 <= 4096 }) else { throw ValidationError("sizes must lie in 16…4096") }
        guard gap >= 1, gap <= 64 else { throw ValidationError("--gap must lie in 1…64") }
        var reports: [FENetBenchmark.Report] = []
        for method in methods.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch method {
            case "fenet":
                let net: FENet, source: String
                if let path = model ?? (try? ModelLocator.forProcess().restorationModelPath(for: "fenet")) {
                    net = try FENet.load(path: path).net
                    source = path
                } else {
                    net = try FENet()
                    source = "default architecture, random weights (no model file found)"
                }
                reports.append(try FENetBenchmark.run(net: net, model: source, sizes: list, gapFrames: gap,
                                                      repetitions: max(1, repetitions), progress: { Progress.log("bench: \($0)") }))
            case "fenet2":
                let locator = ModelLocator.forProcess()
                let path = try locator.restorationModelPath(for: "fenet2")
                let net = try FENet.load(path: path, rifePath: try locator.restorationModelPath(for: "rife")).net
                reports.append(try FENetBenchmark.run(net: net, name: "fenet2", model: path, sizes: list, gapFrames: gap,
                                                      repetitions: max(1, repetitions), progress: { Progress.log("bench: \($0)") }))
            case "fenet-lips", "fenet-lips-noaudio":
                let locator = ModelLocator.forProcess()
                let path = try locator.restorationModelPath(for: method)
                let net = try FENet.load(path: path).net
                reports.append(try FENetBenchmark.run(net: net, name: method, model: path, sizes: list, gapFrames: gap,
                                                      repetitions: max(1, repetitions), withAudio: RestorerCatalog.usesAudio(method),
                                                      mouthLocator: Self.searchOncePerGap(LipGuidanceSource.shared(locator: locator)),
                                                      progress: { Progress.log("bench: \($0)") }))
            case "rife":
                let path = try ModelLocator.forProcess().restorationModelPath(for: "rife")
                let net = try IFNet.load(path: path)
                reports.append(try FENetBenchmark.run(restorer: RIFERestorer(net: net), model: path, parameters: net.parameterCount,
                                                      gflopPerFrame: { net.gigaflops(height: $0, width: $0) }, sizes: list,
                                                      gapFrames: gap, repetitions: max(1, repetitions),
                                                      progress: { Progress.log("bench: \($0)") }))
            default:
                throw ValidationError("--methods: unknown method '\(method)' (fenet, fenet2, fenet-lips, fenet-lips-noaudio, rife)")
            }
        }
        if json {
            if reports.count == 1 { try printJSON(reports[0]) } else { try printJSON(reports) }
            return
        }
        func f(_ x: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", x) }
        for report in reports {
            print("model       \(report.method): \(report.model) (\(report.parameters) parameters)")
            print("threads     OpenBLAS \(report.blasThreads); medians of \(report.repetitions) repetitions; load \(report.loadAverageBefore.map { f($0, 2) }.joined(separator: " "))")
            print("sgemm       1024³: \(f(report.sgemm1024GFLOPs)) GFLOP/s (same run)")
            for s in report.sizes {
                print("\(report.method) \(s.size)²  \(f(s.framesPerSecond)) restored frames/s  (\(f(s.msPerGap)) ms per gap of \(s.gapFrames); \(f(s.gflopPerFrame, 3)) GFLOP/frame = \(f(s.achievedGFLOPs)) GFLOP/s = \(f(100 * s.achievedGFLOPs / max(report.sgemm1024GFLOPs, 1e-9), 0))% of sgemm)")
            }
        }
        print("peak RSS    \(f(reports.map(\.peakRSSMB).max() ?? 0)) MB")
    }
}

extension BenchRestoreCommand {
    /// A mouth locator that costs what one gap of a clip costs: a real clip's locator remembers each survivor
    /// (`MouthSpotMemo`), so a gap searches only its right neighbour (its left was the last gap's right). The bench
    /// restores one gap over and over, where the memo would make every search free: this locator searches afresh
    /// every second call (the restorer asks for the left, then the right) and answers the left from the last search.
    static func searchOncePerGap(_ source: LipGuidanceSource) -> MouthLocator? {
        guard source.mouthLocator != nil else { return nil }
        let state = AlternateSearch()
        return { frame in
            state.next { (try? frame.videoFrame()).flatMap(source.mouthSpot(in:)) }
        }
    }

    /// Counts calls: the first and every second one (a gap's right neighbour) run `search`, the others (its left)
    /// answer with the last result (thread-safe).
    final class AlternateSearch: @unchecked Sendable {
        private var calls = 0
        private var last: MouthSpot??
        private let lock = NSLock()

        func next(_ search: () -> MouthSpot?) -> MouthSpot? {
            lock.lock()
            calls += 1
            let fresh = calls % 2 == 0 || last == nil
            let remembered = last
            lock.unlock()
            guard fresh else { return remembered ?? nil }
            let found = search()
            lock.lock()
            last = .some(found)
            lock.unlock()
            return found
        }
    }
}
