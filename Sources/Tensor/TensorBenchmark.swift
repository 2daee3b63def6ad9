import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Measures the engine's speed (`dropfill bench tensor`): sgemm, conv2d forward/backward as a fraction of the
/// sgemm throughput measured alongside it, warping, and the peak memory of a training step.
public enum TensorBenchmark {
    /// One convolution shape's figures (GFLOP/s use 2·Cout·Cin·9·H·W·N flops forward, twice that backward).
    public struct ConvResult: Codable, Sendable {
        public var channels: Int
        public var size: Int
        public var batch: Int
        public var forwardMs: Double
        public var backwardMs: Double
        public var forwardGFLOPs: Double
        public var backwardGFLOPs: Double
        /// sgemm at this layer's product shape (M = Cout, N = H·W, K = Cin·9), measured interleaved with the conv.
        public var sgemmGFLOPs: Double
        public var forwardRatio: Double
        public var backwardRatio: Double
    }

    public struct WarpResult: Codable, Sendable {
        public var frame: String
        public var forwardMs: Double
        public var backwardMs: Double
    }

    public struct TrainingStepResult: Codable, Sendable {
        public var network: String
        public var stepMs: Double
        public var rssBeforeMB: Double
        public var peakRSSMB: Double
    }

    public struct Report: Codable, Sendable {
        public var blasThreads: Int
        public var cores: Int
        public var repetitions: Int
        public var loadAverageBefore: [Double]
        public var loadAverageAfter: [Double]
        public var sgemm1024GFLOPs: Double
        public var trainingStep: TrainingStepResult
        public var conv: [ConvResult]
        public var warp: WarpResult
    }

    /// Runs every measurement; `sizes` and `batches` select the conv shapes (defaults: 64², 128², 256²; batch 1 and 8).
    public static func run(repetitions: Int = 5, channels: [Int] = [32, 64], sizes: [Int] = [64, 128, 256],
                           batches: [Int] = [1, 8], progress: (String) -> Void = { _ in }) throws -> Report {
        let load0 = loadAverage()
        // The training step runs first so its peak RSS is not masked by the large conv buffers below.
        progress("training step")
        let training = try trainingStep(repetitions: repetitions)
        progress("sgemm 1024³")
        let big = sgemmGFLOPs(m: 1024, n: 1024, k: 1024, repetitions: repetitions)
        var convs: [ConvResult] = []
        for c in channels {
            for s in sizes {
                for b in batches {
                    progress("conv 3×3 \(c)→\(c) \(s)² batch \(b)")
                    convs.append(try conv(channels: c, size: s, batch: b, repetitions: repetitions))
                }
            }
        }
        progress("warp 256² RGB")
        let w = warp(repetitions: max(repetitions, 5) * 10)
        return Report(blasThreads: Parallel.blasThreads, cores: Parallel.coreCount, repetitions: repetitions,
                      loadAverageBefore: load0, loadAverageAfter: loadAverage(), sgemm1024GFLOPs: big,
                      trainingStep: training, conv: convs, warp: w)
    }

    // MARK: Pieces

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    /// Median GFLOP/s of C = A·B at [m, k] × [k, n].
    static func sgemmGFLOPs(m: Int, n: Int, k: Int, repetitions: Int) -> Double {
        var g = SeededGenerator(seed: 1)
        let a = Tensor.randomUniform([m, k], using: &g), b = Tensor.randomUniform([k, n], using: &g)
        var c = Tensor(zeros: [m, n])
        var times: [Double] = []
        a.withUnsafePointer { pa in
            b.withUnsafePointer { pb in
                c.withUnsafeMutablePointer { pc in
                    for r in 0...repetitions {
                        let t = seconds { BLAS.gemm(m: m, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: pc, ldc: n) }
                        if r > 0 { times.append(t) }  // the first run warms caches and threads
                    }
                }
            }
        }
        return 2 * Double(m * n * k) / median(times) / 1e9
    }

    static func conv(channels c: Int, size s: Int, batch n: Int, repetitions: Int) throws -> ConvResult {
        var g = SeededGenerator(seed: 2)
        let x = Tensor.randomUniform([n, c, s, s], in: -1...1, using: &g)
        let w = Tensor.randomNormal([c, c, 3, 3], std: 0.05, using: &g)
        let bias = Tensor(zeros: [c])
        let dy = Tensor.randomUniform([n, c, s, s], in: -1...1, using: &g)
        let options = Conv2dOptions(padding: 1)
        var y = Tensor(zeros: [n, c, s, s])
        let flops = 2 * Double(n * c * c * 9 * s * s)
        var fwd: [Double] = [], bwd: [Double] = [], gemm: [Double] = []
        let geometry = try ConvGeometry(input: x.shape, weight: w.shape, options: options)
        let tileColumns = geometry.rowsPerTile * s
        for r in 0...repetitions {
            let tf = try seconds { try x.conv2d(weight: w, bias: bias, options: options, into: &y) }
            let tb = seconds {
                _ = Tensor.conv2dBackward(input: x, weight: w, hasBias: true, options: options, dy: dy, needInput: true)
            }
            // The product this layer runs, at the tile width it uses, measured in the same loop.
            let gf = sgemmGFLOPs(m: c, n: tileColumns, k: c * 9, repetitions: 1)
            if r > 0 {
                fwd.append(tf)
                bwd.append(tb)
                gemm.append(gf)
            }
        }
        let f = flops / median(fwd) / 1e9, b = 2 * flops / median(bwd) / 1e9, gm = median(gemm)
        return ConvResult(channels: c, size: s, batch: n, forwardMs: median(fwd) * 1e3, backwardMs: median(bwd) * 1e3,
                          forwardGFLOPs: f, backwardGFLOPs: b, sgemmGFLOPs: gm, forwardRatio: f / gm, backwardRatio: b / gm)
    }

    static func warp(repetitions: Int) -> WarpResult {
        var g = SeededGenerator(seed: 3)
        let image = Tensor.randomUniform([1, 3, 256, 256], using: &g)
        let flow = Tensor.randomUniform([1, 2, 256, 256], in: -4...4, using: &g)
        var out = Tensor(zeros: image.shape)
        var fwd: [Double] = [], bwd: [Double] = []
        for r in 0...repetitions {
            let tf = seconds { Tensor.warp(image, by: flow, into: &out) }
            let tb = seconds { _ = Tensor.warpBackward(image: image, flow: flow, dy: out, needImage: true, needFlow: true) }
            if r > 0 { fwd.append(tf); bwd.append(tb) }
        }
        return WarpResult(frame: "1×3×256×256", forwardMs: median(fwd) * 1e3, backwardMs: median(bwd) * 1e3)
    }

    /// A small conv net (3→32→32→3, 3×3, LeakyReLU, avg-pool and bilinear up) on 8×3×64×64, one Adam step.
    static func trainingStep(repetitions: Int) throws -> TrainingStepResult {
        let before = maxRSSMegabytes()
        var g = SeededGenerator(seed: 4)
        let c1 = Conv2d(name: "c1", inChannels: 3, outChannels: 32, kernelSize: 3, padding: 1, generator: &g)
        let c2 = Conv2d(name: "c2", inChannels: 32, outChannels: 32, kernelSize: 3, padding: 1, generator: &g)
        let c3 = Conv2d(name: "c3", inChannels: 32, outChannels: 3, kernelSize: 3, padding: 1, generator: &g)
        let net = ModuleList([c1, c2, c3])
        let adam = Adam(parameters: net.parameters, learningRate: 1e-4)
        let x = Tensor.randomUniform([8, 3, 64, 64], using: &g), target = Tensor.randomUniform([8, 3, 64, 64], using: &g)
        var times: [Double] = []
        for r in 0...repetitions {
            let t = try seconds {
                let tape = Tape()
                let h = try c2(c1(tape.input(x)).leakyReLU(0.1)).leakyReLU(0.1).avgPool2d(kernel: 2).upsampleBilinear2x()
                let loss = try c3(h).l1Loss(tape.input(target))
                tape.backward(loss)
                adam.update()
                adam.zeroGrad()
            }
            if r > 0 { times.append(t) }
        }
        return TrainingStepResult(network: "conv3→32→32→3 (3×3) + avgpool + bilinear up, L1, Adam; batch 8×3×64×64",
                                  stepMs: median(times) * 1e3, rssBeforeMB: before, peakRSSMB: maxRSSMegabytes())
    }

    /// Peak resident set size of this process so far (getrusage; ru_maxrss is in KiB on Linux).
    public static func maxRSSMegabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576  // bytes on Darwin
        #endif
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}
