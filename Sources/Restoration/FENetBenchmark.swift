import Dispatch
import Features
import Foundation
import Tensor

/// Speed of FE-Net (or any learned restorer's) restoration: restored frames per second on gaps of a fixed length (7 frames, as at drop rate
/// 0.87), with the same-run sgemm throughput beside it so results from a shared machine can be compared.
public enum FENetBenchmark {
    /// One frame size's measurement.
    public struct SizeResult: Codable, Sendable {
        public var size: Int
        public var gapFrames: Int
        /// Median over repetitions of restored frames per second.
        public var framesPerSecond: Double
        /// Median milliseconds per gap (flow once + every frame).
        public var msPerGap: Double
        public var gflopPerFrame: Double
        /// Achieved GFLOP/s (convolution and linear flops only).
        public var achievedGFLOPs: Double
    }

    public struct Report: Codable, Sendable {
        /// The restorer's name ("fenet", "rife").
        public var method: String
        public var model: String
        public var parameters: Int
        public var blasThreads: Int
        public var repetitions: Int
        public var loadAverageBefore: [Double]
        public var sgemm1024GFLOPs: Double
        public var sizes: [SizeResult]
        public var peakRSSMB: Double
    }

    /// Measures `net` at every size under the method name `name`; `model` names where the weights came from.
    /// A guided generator (`fenet-lips`) is timed with a random lip track and `mouthLocator` run on both neighbours of
    /// every gap, as in real use (the landmark search is part of the time, not of the GFLOP).
    public static func run(net: FENet, name: String = "fenet", model: String, sizes: [Int], gapFrames: Int = 7, repetitions: Int = 5,
                           withAudio: Bool = true, mouthLocator: MouthLocator? = nil,
                           progress: (String) -> Void = { _ in }) throws -> Report {
        try run(restorer: FENetRestorer(name: name, net: net, useAudio: withAudio), model: model,
                parameters: net.parameterCount, audioColumns: net.config.audioInput,
                gflopPerFrame: { net.gigaflopsPerFrame(size: $0, gapFrames: gapFrames) },
                sizes: sizes, gapFrames: gapFrames, repetitions: repetitions, mouthLocator: mouthLocator, progress: progress)
    }

    /// Measures any restorer the same way (RIFE, FE-Net): `gflopPerFrame(S)` is its cost per restored S×S frame,
    /// `audioColumns` the width of the random audio segments handed to it.
    public static func run(restorer: any FrameRestorer, model: String, parameters: Int, audioColumns: Int = 13,
                           gflopPerFrame: (Int) -> Double, sizes: [Int], gapFrames: Int = 7, repetitions: Int = 5,
                           mouthLocator: MouthLocator? = nil, progress: (String) -> Void = { _ in }) throws -> Report {
        let load0 = loadAverage()
        progress("sgemm 1024³")
        let sgemm = sgemmGFLOPs(repetitions: repetitions)
        var results: [SizeResult] = []
        for size in sizes {
            progress("\(restorer.name) \(size)², gaps of \(gapFrames)")
            var g = SeededGenerator(seed: UInt64(size))
            func frame(_ slot: Int) throws -> SlotFrame {
                // A smooth random picture (upsampled noise), so warps read real neighbourhoods.
                let coarse = Tensor.randomUniform([1, 3, max(size / 16, 2), max(size / 16, 2)], using: &g)
                return try SlotFrame(slot: slot, width: size, height: size,
                                     planes: coarse.resizedBilinear(height: size, width: size).scalars)
            }
            let left = try frame(0), right = try frame(gapFrames + 1)
            let slots = Array(1...gapFrames)
            let audio = try FeatureMatrix(rows: gapFrames + 2, columns: audioColumns,
                                          values: Tensor.randomNormal([(gapFrames + 2) * audioColumns], using: &g).scalars,
                                          step: 0.04, firstCentre: 0.02, duration: Double(gapFrames + 2) * 0.04)
            let track = try LipTrack(slotCount: gapFrames + 2,
                                     values: Tensor.randomNormal([(gapFrames + 2) * LipTrack.dimension], using: &g).scalars)
            let context = GapContext(frameRate: .init(25, 1), slotCount: gapFrames + 2, slotFeatures: audio, lipTrack: track,
                                     mouthLocator: mouthLocator)
            var times: [Double] = []
            for r in 0...repetitions {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try restorer.restoreGap(left: left, right: right, slots: slots, context: context)
                let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                if r > 0 { times.append(s) }  // the first run warms caches and threads
            }
            let t = median(times)
            let gf = gflopPerFrame(size)
            results.append(SizeResult(size: size, gapFrames: gapFrames, framesPerSecond: Double(gapFrames) / t, msPerGap: t * 1000,
                                      gflopPerFrame: gf, achievedGFLOPs: gf * Double(gapFrames) / t))
        }
        return Report(method: restorer.name, model: model, parameters: parameters, blasThreads: Parallel.blasThreads,
                      repetitions: repetitions, loadAverageBefore: load0, sgemm1024GFLOPs: sgemm, sizes: results,
                      peakRSSMB: TensorBenchmark.maxRSSMegabytes())
    }

    /// Median GFLOP/s of a 1024³ matrix product through `Tensor.matmul` (OpenBLAS sgemm).
    static func sgemmGFLOPs(repetitions: Int) -> Double {
        var g = SeededGenerator(seed: 1)
        let a = Tensor.randomUniform([1024, 1024], using: &g), b = Tensor.randomUniform([1024, 1024], using: &g)
        var times: [Double] = []
        for r in 0...max(repetitions, 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try? a.matmul(b)
            if r > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9) }
        }
        return 2 * 1024 * 1024 * 1024 / median(times) / 1e9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    static func loadAverage() -> [Double] {
        var l = [Double](repeating: 0, count: 3)
        return getloadavg(&l, 3) == 3 ? l : []
    }
}
