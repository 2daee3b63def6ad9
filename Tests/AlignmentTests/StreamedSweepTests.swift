import Foundation
@testable import Alignment
import Testing

/// The streamed forward–backward (emissions and energies per row, checkpointed forward, marginals delivered row by
/// row, EM's M step from per-survivor sums) against the full-table code it replaced (`FullTableReference`): the
/// medians, the marginals and the adapted cue must be equal to the bit.
@Suite("Streamed sweep equals the full tables")
struct StreamedSweepTests {
    /// A band of `width` columns whose first row starts at slot 0 and last row ends at slot n − 1 (so pinned ends
    /// fit), the starts in between spread evenly with a little seeded jitter, kept non-decreasing.
    static func band(k: Int, n: Int, width: Int, rng: inout SeededRNG) throws -> SlotBand {
        guard width < n else { return .full(rows: k, columns: n) }
        var start = (0..<k).map { i -> Int in
            let centre = k == 1 ? 0 : Int((Double(i) * Double(n - width) / Double(k - 1)).rounded())
            return min(max(0, centre + rng.int(-2...2)), n - width)
        }
        start[0] = 0
        start[k - 1] = n - width
        for i in 1..<max(k, 1) { start[i] = max(start[i], start[i - 1]) }
        return try SlotBand(rows: k, columns: n, width: width, start: start)
    }

    /// Seeded distances over `band`, a visual change per consecutive pair and a 3-component cue (one survivor, when
    /// there are four or more, without a face).
    static func inputs(k: Int, n: Int, band: SlotBand, seed: UInt64) throws -> (DistanceMatrix, [Float], LipGeometryCue) {
        var rng = SeededRNG(seed: seed)
        let d = try DistanceMatrix(band: band, values: (0..<band.cellCount).map { _ in Float(rng.uniform() * 6) })
        let change = (0..<max(0, k - 1)).map { _ in Float(rng.uniform() * 0.05) }
        let g = 3
        let expected = (0..<(n * g)).map { _ in Float(rng.gaussian()) }
        var observed: [[Float]?] = (0..<k).map { _ in (0..<g).map { _ in Float(rng.gaussian() * 2 + 1) } }
        if k >= 4 { observed[2] = nil }
        var cue = try LipGeometryCue(observed: observed, expected: expected, slotCount: n, dimension: g, initialVariance: 0.7)
        cue.scale = [0.8, 1.3, 0.5]
        cue.offset = [0.1, -0.2, 0]
        return (d, change, cue)
    }

    /// (k, n, band width; a width ≥ n is the full band). k = 1, 2, 3, k a square, k not a multiple of ⌈√k⌉.
    static let shapes: [(Int, Int, Int)] = [(1, 5, 5), (2, 6, 6), (2, 9, 4), (3, 7, 7), (3, 12, 5), (4, 9, 9), (5, 20, 8),
                                            (7, 30, 30), (10, 40, 13), (16, 70, 25), (17, 80, 80), (23, 120, 31), (40, 300, 90)]

    @Test("Posterior medians and marginals equal the full-table forward–backward, every stride", arguments: shapes)
    func posterior(_ shape: (Int, Int, Int)) throws {
        let (k, n, width) = shape
        var rng = SeededRNG(seed: UInt64(k * 1000 + n))
        let band = try Self.band(k: k, n: n, width: width, rng: &rng)
        let (d, change, _) = try Self.inputs(k: k, n: n, band: band, seed: UInt64(k * 7 + width))
        for gap in [nil, GapLikelihood.fitted, GapLikelihood(slope: 0.6, sigma: 0.5)] {
            for pin in [false, true] {
                for temperature in [0.3, 1.0, 2.5] {
                    let p = PosteriorMedianEstimator(temperature: temperature, gapLikelihood: gap, pinEnds: pin)
                    let label = "k \(k) n \(n) w \(band.width) gap \(gap != nil) pin \(pin) T \(temperature)"
                    let reference = try FullTableReference.bandMarginals(p, d, visualChange: change)
                    let medians = try FullTableReference.medians(p, d, visualChange: change)
                    #expect(try p.bandMarginals(d, visualChange: change) == reference, "\(label)")
                    #expect(try p.medians(d, visualChange: change) == medians, "\(label)")
                    for stride in [1, 2, 3, k] {
                        var rows = d
                        #expect(try p.bandMarginals(rows: &rows, visualChange: change, stride: stride) == reference, "\(label) C \(stride)")
                        #expect(try p.medians(rows: &rows, visualChange: change, stride: stride) == medians, "\(label) C \(stride)")
                    }
                }
            }
        }
    }

    @Test("The posterior without distances (visual) equals the flat full table", arguments: [(3, 10), (12, 50), (30, 400)])
    func visualWithoutDistances(_ shape: (Int, Int)) throws {
        let (k, n) = shape
        var rng = SeededRNG(seed: UInt64(n))
        let change = (0..<(k - 1)).map { _ in Float(rng.uniform() * 0.05) }
        let band = SlotBand.prior(frames: k, slots: n, sigmas: 2, floor: 3)
        let flat = try DistanceMatrix(band: band, values: [Float](repeating: 0, count: band.cellCount))
        let p = PosteriorMedianEstimator(temperature: 1, gapLikelihood: .fitted, pinEnds: true)
        let e = try p.estimate(AlignmentInput(frameCount: k, slotCount: n, visualChange: change))
        let prior = SlotBand.prior(frames: k, slots: n)
        let priorFlat = try DistanceMatrix(band: prior, values: [Float](repeating: 0, count: prior.cellCount))
        #expect(e.positions == (try FullTableReference.medians(p, priorFlat, visualChange: change)))
        var rows = FlatBandRows(band: band)
        #expect(try p.medians(rows: &rows, visualChange: change) == FullTableReference.medians(p, flat, visualChange: change))
    }

    @Test("Lip-geometry costs and the M step equal the table code", arguments: [(4, 9, 9), (10, 40, 13), (23, 120, 31)])
    func costsAndMStep(_ shape: (Int, Int, Int)) throws {
        let (k, n, width) = shape
        var rng = SeededRNG(seed: UInt64(k + 5 * n))
        let band = try Self.band(k: k, n: n, width: width, rng: &rng)
        let (d, change, cue) = try Self.inputs(k: k, n: n, band: band, seed: 3)
        #expect(try cue.costs(band: band) == FullTableReference.costs(cue, band: band))
        let p = try PosteriorMedianEstimator(temperature: 1, gapLikelihood: .fitted, pinEnds: true).bandMarginals(d, visualChange: change)
        let adapted = try cue.adapted(marginals: p)
        let reference = FullTableReference.adapted(cue, marginals: p)
        #expect(adapted.scale == reference.scale && adapted.offset == reference.offset && adapted.variance == reference.variance)
    }

    /// (α, β, γ): each term on and off (at least one on).
    static let weights: [(Double, Double, Double)] = [(0.4, 0.7, 0.6), (0.4, 0, 0.6), (0, 0.7, 0.6), (0.4, 0.7, 0), (0, 0.7, 0), (0.4, 0, 0),
                                                      (0, 0, 0.6)]

    @Test("Fused posterior with EM: medians and adapted cue equal the full-table path", arguments: [(3, 7, 7), (3, 12, 5), (5, 20, 8),
                                                                                                (10, 40, 13), (17, 80, 80), (23, 120, 31),
                                                                                                (40, 300, 90)])
    func fused(_ shape: (Int, Int, Int)) throws {
        let (k, n, width) = shape
        var rng = SeededRNG(seed: UInt64(k * 31 + n))
        let band = try Self.band(k: k, n: n, width: width, rng: &rng)
        let (d, change, cue) = try Self.inputs(k: k, n: n, band: band, seed: UInt64(n))
        for (alpha, beta, gamma) in Self.weights {
            for iterations in [0, 1, 3] {
                for visual in [false, true] {
                    let estimator = FusedPosteriorEstimator(audioWeight: alpha, geometryWeight: beta, visualWeight: gamma,
                                                            geometry: cue, iterations: iterations)
                    let input = AlignmentInput(distances: d, visualChange: visual ? change : nil)
                    let label = "k \(k) n \(n) w \(band.width) α \(alpha) β \(beta) γ \(gamma) EM \(iterations) visual \(visual)"
                    let reference = try FullTableReference.fused(estimator, input)
                    #expect(try estimator.estimate(input).positions == reference.positions, "\(label)")
                    let adapted = try estimator.adaptedCue(input)
                    #expect(adapted?.scale == reference.cue?.scale, "\(label)")
                    #expect(adapted?.offset == reference.cue?.offset, "\(label)")
                    #expect(adapted?.variance == reference.cue?.variance, "\(label)")
                    let unadapted = try FullTableReference.energies(estimator, input, cue: cue)
                    let marginals = try FullTableReference.bandMarginals(FullTableReference.posterior(estimator, input), unadapted,
                                                                         visualChange: gamma > 0 && visual ? change : nil)
                    #expect(try estimator.marginals(input) == marginals.dense(), "\(label)")
                    let (energy, tableCue) = try estimator.adapt(input)
                    #expect(tableCue == adapted, "\(label)")
                    #expect(energy == (try FullTableReference.energies(estimator, input, cue: adapted)), "\(label)")
                }
            }
        }
    }

    @Test("The fused posterior without distances streams the prior band's energies", arguments: [(12, 60), (30, 500)])
    func fusedWithoutDistances(_ shape: (Int, Int)) throws {
        let (k, n) = shape
        let prior = SlotBand.prior(frames: k, slots: n)
        let (_, change, cue) = try Self.inputs(k: k, n: n, band: prior, seed: 11)
        let estimator = FusedPosteriorEstimator(audioWeight: 0.4, geometryWeight: 0.7, visualWeight: 0.6, geometry: cue, iterations: 2)
        let input = AlignmentInput(frameCount: k, slotCount: n, visualChange: change)
        let reference = try FullTableReference.fused(estimator, input)
        #expect(try estimator.estimate(input).positions == reference.positions)
        let adapted = try estimator.adaptedCue(input)
        #expect(adapted?.scale == reference.cue?.scale && adapted?.offset == reference.cue?.offset
                && adapted?.variance == reference.cue?.variance)
    }

    @Test("C = ⌈√k⌉")
    func stride() {
        #expect([1, 2, 3, 4, 5, 9, 10, 16, 17, 1950].map { PosteriorMedianEstimator.checkpointStride(frames: $0) }
                == [1, 2, 2, 2, 3, 3, 4, 4, 5, 45])
    }

    @Test("A non-finite energy is a typed error")
    func nonFiniteEnergy() throws {
        var rng = SeededRNG(seed: 2)
        let d = try randomMatrix(k: 4, n: 8, rng: &rng)
        let cue = try LipGeometryCue(observed: [[1], [2], [3], [4]], expected: [Float](repeating: 0, count: 8), slotCount: 8, dimension: 1)
        let estimator = FusedPosteriorEstimator(audioWeight: Double(Float.greatestFiniteMagnitude), geometryWeight: 0.5, geometry: cue)
        #expect(throws: AlignmentError.self) { try estimator.estimate(AlignmentInput(distances: d)) }
    }
}
