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

    @Test func continuityMarginalsMatchExhaustiveEnumeration() throws {
        let k = 3, n = 8, t = 0.9
        let d = try Self.randomMatrix(k: k, n: n, seed: 3)
        let cue: [Float] = [0.1, 0.4]
        let model = ContinuityPrior(weight: 0.5, intercept: 1, slope: 5)
        let p = try PosteriorMedianEstimator(temperature: t, continuity: model).marginals(d, visualChange: cue)
        var exact = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var z = 0.0
        for a in 0..<n { for b in (a + 1)..<n { for c in (b + 1)..<n where c < n {
            let cost = Double(d[0, a]) + Double(d[1, b]) + Double(d[2, c])
                + model.weight * abs(Double(b - a) - model.expectedGap(Double(cue[0]))) + model.weight * abs(Double(c - b) - model.expectedGap(Double(cue[1])))
            let w = exp(-cost / t)
            exact[0][a] += w; exact[1][b] += w; exact[2][c] += w; z += w
        } } }
        for i in 0..<k { for j in 0..<n { #expect(abs(p[i][j] - exact[i][j] / z) < 1e-9, "frame \(i) slot \(j)") } }
        // Weight 0 is the plain posterior.
        let off = try PosteriorMedianEstimator(temperature: t, continuity: ContinuityPrior(weight: 0, slope: 5)).marginals(d, visualChange: cue)
        let plain = try PosteriorMedianEstimator(temperature: t).marginals(d)
        for i in 0..<k { for j in 0..<n { #expect(abs(off[i][j] - plain[i][j]) < 1e-12) } }
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
