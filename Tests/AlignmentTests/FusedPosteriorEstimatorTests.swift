import Foundation
@testable import Alignment
import Testing

@Suite("Fused posterior (Ali-Net distances + lip geometry + visual continuity)")
struct FusedPosteriorEstimatorTests {
    /// Every pinned, strictly increasing placement of k frames in n slots.
    static func placements(k: Int, n: Int) -> [[Int]] {
        var out: [[Int]] = []
        var p = [Int](repeating: 0, count: k)
        func place(_ i: Int, from: Int) {
            if i == k { out.append(p); return }
            guard from <= n - (k - i) else { return }
            for j in from...(n - (k - i)) { p[i] = j; place(i + 1, from: j + 1) }
        }
        place(0, from: 0)
        return out.filter { $0.first == 0 && $0.last == n - 1 }
    }

    /// A tiny clip: Ali-Net distances, survivor geometry (one survivor without a face) and visual changes.
    static func tinyCase(seed: UInt64, k: Int, n: Int) throws -> (AlignmentInput, LipGeometryCue) {
        var rng = SeededRNG(seed: seed)
        let d = try randomMatrix(k: k, n: n, rng: &rng)
        let g = 3
        let expected = (0..<(n * g)).map { _ in Float(rng.gaussian()) }
        var observed: [[Float]?] = (0..<k).map { _ in (0..<g).map { _ in Float(rng.gaussian() * 2 + 1) } }
        observed[1] = nil
        var cue = try LipGeometryCue(observed: observed, expected: expected, slotCount: n, dimension: g, initialVariance: 0.7)
        cue.scale = [0.8, 1.3, 0.5]
        cue.offset = [0.1, -0.2, 0]
        let change = (0..<(k - 1)).map { _ in Float(rng.uniform() * 0.05) }
        return (AlignmentInput(distances: d, visualChange: change), cue)
    }

    @Test("Marginals equal brute-force enumeration of every placement", arguments: [(3, 6, 1 as UInt64), (4, 7, 2), (4, 8, 3), (5, 8, 4)])
    func bruteForce(_ c: (Int, Int, UInt64)) throws {
        let (k, n, seed) = c
        let (input, cue) = try Self.tinyCase(seed: seed, k: k, n: n)
        let estimator = FusedPosteriorEstimator(audioWeight: 0.4, geometryWeight: 0.7, visualWeight: 0.6, geometry: cue, iterations: 0)
        let fused = try estimator.marginals(input)
        // Brute force: probability ∝ exp(−Σ_i (α D + β N)_{i,s_i}) · Π w_i(gap)^γ.
        let d = try #require(input.distances)
        let change = try #require(input.visualChange)
        let geometry = try cue.costs(slotCount: n)
        let logW = try GapLikelihood.fitted.logWeights(changes: change, frames: k, slots: n, maxGap: n - 1)
        var mass = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        var total = 0.0
        for p in Self.placements(k: k, n: n) {
            var log = 0.0
            for (i, j) in p.enumerated() { log -= 0.4 * Double(d[i, j]) + 0.7 * Double(geometry[i, j]) }
            for i in 0..<(k - 1) { log += 0.6 * logW[i][p[i + 1] - p[i] - 1] }
            let w = Foundation.exp(log)
            total += w
            for (i, j) in p.enumerated() { mass[i][j] += w }
        }
        for i in 0..<k {
            for j in 0..<n {
                #expect(abs(fused[i][j] - mass[i][j] / total) < 1e-6, "frame \(i) slot \(j)")
            }
        }
    }

    @Test("Without geometry or visual change it is the posterior of Ali-Net's distances at T = 1/α")
    func reducesToPosterior() throws {
        var rng = SeededRNG(seed: 9)
        let d = try randomMatrix(k: 6, n: 20, rng: &rng)
        let fused = try FusedPosteriorEstimator(audioWeight: 0.5, geometryWeight: 1, visualWeight: 0).marginals(AlignmentInput(distances: d))
        let plain = try PosteriorMedianEstimator(temperature: 2, pinEnds: true).marginals(d)
        for (a, b) in zip(fused, plain) { for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-9) } }
    }

    @Test("EM recovers the speaker's affine map when the slots are known")
    func adaptationRecoversAffineMap() throws {
        var rng = SeededRNG(seed: 5)
        let n = 40, k = 40, g = 2
        let expected = (0..<(n * g)).map { _ in Float(rng.gaussian()) }
        // Observed = 2·μ + 0.5 per component before the clip standardisation; with every frame at its own slot the
        // posterior is one-hot, and the M step must find the line of the standardised values.
        let raw: [[Float]?] = (0..<k).map { i in (0..<g).map { c in 2 * expected[i * g + c] + 0.5 } }
        let cue = try LipGeometryCue(observed: raw, expected: expected, slotCount: n, dimension: g)
        let oneHot = (0..<k).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        let adapted = try cue.adapted(marginals: oneHot)
        for c in 0..<g {
            let mu = (0..<n).map { Double(expected[$0 * g + c]) }
            let m = mu.reduce(0, +) / Double(n)
            let sd = (mu.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n)).squareRoot()
            #expect(abs(adapted.scale[c] - 1 / sd) < 1e-4)
            #expect(abs(adapted.offset[c] + m / sd) < 1e-4)
            #expect(abs(adapted.variance[c] - LipGeometryCue.varianceFloor) < 1e-9)
        }
    }

    @Test("With a whitening T = L⁻¹ of Σ = L·Lᵀ the cue's cost is half the Mahalanobis distance under Σ")
    func whitenedCostIsMahalanobis() throws {
        // Σ = [[1, ρ], [ρ, 1]]: L = [[1, 0], [ρ, s]] with s = √(1 − ρ²), T = L⁻¹ = [[1, 0], [−ρ/s, 1/s]].
        let rho: Float = 0.8, s = (1 - rho * rho).squareRoot()
        let t: [Float] = [1, 0, -rho / s, 1 / s]
        let n = 5, g = 2
        var rng = SeededRNG(seed: 8)
        let expected = (0..<(n * g)).map { _ in Float(rng.gaussian()) }
        let raw: [[Float]?] = (0..<3).map { _ in (0..<g).map { _ in Float(rng.gaussian()) } } + [nil]
        let plain = try LipGeometryCue(observed: raw, expected: expected, slotCount: n, dimension: g)
        let white = try LipGeometryCue(observed: raw, expected: expected, slotCount: n, dimension: g, whitening: t)
        let costs = try white.costs(slotCount: n)
        let det = Double(1 - rho * rho)
        for i in 0..<raw.count {
            for j in 0..<n {
                guard let z = plain.observed[i] else {
                    #expect(costs[i, j] == 0, "a survivor without a face costs nothing")
                    continue
                }
                let d0 = Double(z[0] - expected[j * g]), d1 = Double(z[1] - expected[j * g + 1])
                let mahalanobis = (d0 * d0 - 2 * Double(rho) * d0 * d1 + d1 * d1) / det
                #expect(abs(Double(costs[i, j]) - mahalanobis / 2) < 1e-4 * max(1, mahalanobis))
            }
        }
        #expect(throws: AlignmentError.self) {
            try LipGeometryCue(observed: raw, expected: expected, slotCount: n, dimension: g, whitening: [1, 0, 0])
        }
    }

    @Test("A clip with no faces, no distances and no change is the even spread, never a crash")
    func fallsBackToEvenSpread() throws {
        let cue = try LipGeometryCue(observed: [nil, nil, nil, nil], expected: [Float](repeating: 0, count: 12 * 2),
                                     slotCount: 12, dimension: 2)
        let e = try FusedPosteriorEstimator(audioWeight: 1, geometryWeight: 1, geometry: cue)
            .estimate(AlignmentInput(frameCount: 4, slotCount: 12))
        #expect(e.positions == (try UniformEstimator.positions(frames: 4, slots: 12)))
    }

    @Test("Mismatched geometry is a typed error")
    func mismatch() {
        #expect(throws: AlignmentError.self) {
            _ = try LipGeometryCue(observed: [[1, 2]], expected: [0, 0, 0], slotCount: 2, dimension: 2)
        }
    }
}
