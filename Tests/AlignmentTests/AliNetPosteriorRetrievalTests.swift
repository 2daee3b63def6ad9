import Foundation
import Testing
@testable import Alignment

/// The posterior-median retrieval against exhaustive enumeration, and its two limits (DP and the prior).
@Suite struct AliNetPosteriorRetrievalTests {
    static func randomMatrix(k: Int, n: Int, seed: UInt64) throws -> DistanceMatrix {
        var rng = SeededRNG(seed: seed)
        return try DistanceMatrix(rows: k, columns: n, values: (0..<(k * n)).map { _ in Float(rng.uniform() * 3) })
    }

    @Test func marginalsMatchExhaustiveEnumeration() throws {
        let k = 3, n = 7, t = 0.7
        let d = try Self.randomMatrix(k: k, n: n, seed: 11)
        let p = try PosteriorMedianEstimator(temperature: t).marginals(d)
        var exact = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var z = 0.0
        for a in 0..<n { for b in (a + 1)..<n { for c in (b + 1)..<n where c < n {
            let w = exp(-(Double(d[0, a]) + Double(d[1, b]) + Double(d[2, c])) / t)
            exact[0][a] += w; exact[1][b] += w; exact[2][c] += w; z += w
        } } }
        for i in 0..<k { for j in 0..<n { #expect(abs(p[i][j] - exact[i][j] / z) < 1e-9, "frame \(i) slot \(j)") } }
    }

    /// Exact marginals of k = 4 frames in n slots by enumerating every placement, with the gap likelihood's
    /// transition weights and optionally the ends pinned.
    static func enumerated(_ d: DistanceMatrix, t: Double, logW: [[Double]], pin: Bool) -> [[Double]] {
        let k = d.rows, n = d.columns
        var exact = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var z = 0.0
        for a in 0..<n { for b in (a + 1)..<n { for c in (b + 1)..<n { for e in (c + 1)..<n {
            if pin && (a != 0 || e != n - 1) { continue }
            let s = [a, b, c, e]
            var cost = 0.0
            for i in 0..<k { cost += Double(d[i, s[i]]) / t }
            var logw = 0.0
            for i in 0..<(k - 1) {
                let gap = s[i + 1] - s[i]
                guard gap <= logW[i].count else { logw = -.infinity; break }
                logw += logW[i][gap - 1]
            }
            let w = exp(-cost + logw)
            for i in 0..<k { exact[i][s[i]] += w }
            z += w
        } } } }
        return exact.map { $0.map { $0 / z } }
    }

    @Test func gapLikelihoodMarginalsMatchExhaustiveEnumeration() throws {
        let k = 4, n = 11, t = 0.9
        let d = try Self.randomMatrix(k: k, n: n, seed: 3)
        let cue: [Float] = [0.02, 0.09, 0.04]
        let model = GapLikelihood(slope: 0.6, sigma: 0.5)
        for pin in [false, true] {
            let estimator = PosteriorMedianEstimator(temperature: t, gapLikelihood: model, pinEnds: pin)
            let p = try estimator.marginals(d, visualChange: cue)
            let logW = try model.logWeights(changes: cue, frames: k, slots: n, maxGap: n - 1)
            let exact = Self.enumerated(d, t: t, logW: logW, pin: pin)
            for i in 0..<k { for j in 0..<n { #expect(abs(p[i][j] - exact[i][j]) < 1e-9, "pin \(pin) frame \(i) slot \(j)") } }
        }
    }

    @Test func aLargerChangeMeansALongerGap() throws {
        // No distances (the `visual` aligner): 4 frames in 31 slots, ends pinned; the middle change is large, so
        // the frames either side of it drift apart from the even spread 0, 10, 20, 30.
        let estimator = PosteriorMedianEstimator(temperature: 1, gapLikelihood: .fitted, pinEnds: true)
        let even = try estimator.estimate(AlignmentInput(frameCount: 4, slotCount: 31, visualChange: [0.05, 0.05, 0.05]))
        #expect(zip(even.positions, [0, 10, 20, 30]).allSatisfy { abs($0 - $1) <= 1 }, "\(even.positions)")
        let wide = try estimator.estimate(AlignmentInput(frameCount: 4, slotCount: 31, visualChange: [0.02, 0.2, 0.02]))
        #expect(wide.positions.first == 0 && wide.positions.last == 30)
        #expect(wide.positions[2] - wide.positions[1] > 14, "\(wide.positions)")
    }

    @Test func gapLikelihoodFitRecoversTheLine() throws {
        // log c = a_clip + 0.7·log g + noise, two clips with different offsets.
        var rng = SeededRNG(seed: 4)
        var changes: [[Float]] = [], gaps: [[Int]] = []
        for offset in [-4.0, -2.5] {
            let g = (0..<400).map { _ in 1 + Int(rng.uniform() * 15) }
            gaps.append(g)
            changes.append(g.map { Float(exp(offset + 0.7 * log(Double($0)) + 0.3 * (rng.uniform() - 0.5) * 3.4641)) })
        }
        let fit = try GapLikelihood.fit(changes: changes, gaps: gaps, floor: 1e-9)
        #expect(abs(fit.slope - 0.7) < 0.05, "slope \(fit.slope)")
        #expect(abs(fit.sigma - 0.3) < 0.05, "σ \(fit.sigma)")
        #expect(throws: AlignmentError.self) { try GapLikelihood.fit(changes: [[0.1, 0.1]], gaps: [[2, 3, 4]]) }
        #expect(throws: AlignmentError.self) { try GapLikelihood.fit(changes: [[0.1, .nan, 0.2]], gaps: [[2, 3, 4]]) }
    }

    @Test func lowTemperatureFollowsTheDPPath() throws {
        let d = try Self.randomMatrix(k: 6, n: 30, seed: 5)
        let dp = try DynamicPositionRetrieval.solve(d).positions
        let medians = try PosteriorMedianEstimator(temperature: 1e-6).medians(d)
        #expect(medians == dp)
    }

    @Test func highTemperatureSpreadsFramesLikeThePrior() throws {
        let flat = try DistanceMatrix(rows: 1, columns: 5, values: [1, 1, 1, 1, 1])
        #expect(try PosteriorMedianEstimator(temperature: 1).medians(flat) == [2])
        let d = try Self.randomMatrix(k: 4, n: 40, seed: 2)
        let m = try PosteriorMedianEstimator(temperature: 1e6).medians(d)
        // The i-th of 4 random slots out of 40 has its median near (i + 1)·41/5 − 1.
        for (i, s) in m.enumerated() { #expect(abs(Double(s) - (Double(i + 1) * 41 / 5 - 1)) <= 1.5, "frame \(i) at \(s)") }
    }

    @Test func positionsAreStrictlyIncreasingAndBadSettingsThrow() throws {
        let d = try Self.randomMatrix(k: 10, n: 12, seed: 8)
        let e = try PosteriorMedianEstimator(temperature: 0.5).estimate(AlignmentInput(distances: d))
        #expect(e.isStrictlyIncreasing)
        #expect(e.positions.allSatisfy { $0 >= 0 && $0 < 12 })
        #expect(throws: AlignmentError.self) { try PosteriorMedianEstimator(temperature: 0).medians(d) }
        #expect(throws: AlignmentError.missingInput("posterior needs a distance matrix")) {
            try PosteriorMedianEstimator(temperature: 1).estimate(AlignmentInput(frameCount: 2, slotCount: 4))
        }
    }
}
