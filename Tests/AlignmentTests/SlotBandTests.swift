import Foundation
import Testing
@testable import Alignment

/// Banded alignment tables (`SlotBand`): full for short clips, O(k·w) for long ones, and equal to the full tables
/// when the truth lies inside the band.
@Suite struct SlotBandTests {
    /// A band of `width` columns centred on i·(n − 1)/(k − 1), shifted inside the slots.
    static func centredBand(k: Int, n: Int, width: Int) throws -> SlotBand {
        let half = width / 2
        let start = (0..<k).map { i in min(max(0, Int((Double(i) * Double(n - 1) / Double(k - 1)).rounded()) - half), n - width) }
        return try SlotBand(rows: k, columns: n, width: width, start: start)
    }

    /// `band`'s cells of `full`, stored as a banded matrix.
    static func banded(_ full: DistanceMatrix, _ band: SlotBand) throws -> DistanceMatrix {
        var v: [Float] = []
        for i in 0..<full.rows { for j in band.range(i) { v.append(full[i, j]) } }
        return try DistanceMatrix(band: band, values: v)
    }

    /// The full matrix with every cell outside `band` set to a distance so large its likelihood is exactly 0.
    static func masked(_ full: DistanceMatrix, _ band: SlotBand) throws -> DistanceMatrix {
        var v = full.values
        for i in 0..<full.rows { for j in 0..<full.columns where !band.contains(i, j) { v[i * full.columns + j] = 1e30 } }
        return try DistanceMatrix(rows: full.rows, columns: full.columns, values: v)
    }

    @Test func priorBandIsFullForShortClipsAndNarrowForLongOnes() throws {
        #expect(SlotBand.prior(frames: 20, slots: 100).isFull)
        #expect(SlotBand.prior(frames: 5, slots: 5).isFull)
        // 10 minutes at 25 fps with 87% loss.
        let k = 1950, n = 15_000
        let band = SlotBand.prior(frames: k, slots: n)
        let sigma = (Double(n - 1) * Double(n - k) / (4 * Double(k))).squareRoot()
        #expect(!band.isFull)
        #expect(band.width == 2 * (Int((SlotBand.sigmas * sigma).rounded(.up)) + SlotBand.floorSlots) + 1)
        #expect(band.cellCount * 6 < k * n)
        #expect(band.start.count == k)
        #expect(zip(band.start, band.start.dropFirst()).allSatisfy { $0 <= $1 })
        for i in 0..<k {
            #expect(band.range(i).upperBound <= n)
            let centre = Int((Double(i) * Double(n - 1) / Double(k - 1)).rounded())
            #expect(band.contains(i, centre))
        }
        #expect(band.contains(0, 0) && band.contains(k - 1, n - 1))
    }

    @Test func badBandsThrow() {
        #expect(throws: AlignmentError.self) { try SlotBand(rows: 2, columns: 5, width: 6, start: [0, 0]) }
        #expect(throws: AlignmentError.self) { try SlotBand(rows: 2, columns: 5, width: 3, start: [2, 1]) }
        #expect(throws: AlignmentError.self) { try SlotBand(rows: 2, columns: 5, width: 3, start: [0, 3]) }
        #expect(throws: AlignmentError.self) { try SlotBand(rows: 2, columns: 5, width: 3, start: [0]) }
    }

    @Test func bandedEuclideanKeepsTheFullMatrixCells() throws {
        var rng = SeededRNG(seed: 5)
        let k = 7, n = 50, d = 19
        let a = (0..<(k * d)).map { _ in Float(rng.gaussian()) }, b = (0..<(n * d)).map { _ in Float(rng.gaussian()) }
        let band = try Self.centredBand(k: k, n: n, width: 13)
        let full = try DistanceMatrix.euclidean(a, rows: k, b, rows: n, dimension: d)
        let narrow = try DistanceMatrix.euclidean(a, rows: k, b, rows: n, dimension: d, band: band)
        #expect(narrow.values.count == k * 13)
        for i in 0..<k {
            for j in 0..<n { #expect(narrow[i, j] == (band.contains(i, j) ? full[i, j] : .infinity)) }
        }
        #expect(try Self.banded(full, band) == narrow)
        #expect(narrow.dense().count == k * n)
    }

    @Test func columnMomentsAreThoseOfTheFullMatrix() throws {
        var rng = SeededRNG(seed: 6)
        let k = 9, n = 70, d = 21
        let a = (0..<(k * d)).map { _ in Float(rng.gaussian()) }, b = (0..<(n * d)).map { _ in Float(rng.gaussian()) }
        let full = try DistanceMatrix.euclidean(a, rows: k, b, rows: n, dimension: d)
        let (mean, sd) = try DistanceMatrix.columnMoments(a, rows: k, b, rows: n, dimension: d)
        for j in 0..<n {
            let column = (0..<k).map { Double(full[$0, j]) }
            let m = column.reduce(0, +) / Double(k)
            let s = (column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(k)).squareRoot()
            #expect(abs(Double(mean[j]) - m) < 1e-5 && abs(Double(sd[j]) - s) < 1e-4, "column \(j)")
        }
    }

    @Test(arguments: [false, true])
    func bandedMarginalsEqualFullOnesWithTheOutsideMasked(pin: Bool) throws {
        let k = 6, n = 40
        var rng = SeededRNG(seed: 9)
        let full = try randomMatrix(k: k, n: n, rng: &rng)
        let band = try Self.centredBand(k: k, n: n, width: 17)
        let cue: [Float] = [0.02, 0.07, 0.03, 0.05, 0.01]
        for gap in [nil, GapLikelihood(slope: 0.6, sigma: 0.5)] {
            let estimator = PosteriorMedianEstimator(temperature: 1.3, gapLikelihood: gap, pinEnds: pin)
            let narrow = try estimator.marginals(Self.banded(full, band), visualChange: cue)
            let masked = try estimator.marginals(Self.masked(full, band), visualChange: cue)
            if gap == nil {
                #expect(narrow == masked, "pin \(pin)")
            } else {
                // The linear-domain backward pass rescales each row over the cells it holds, so the full table's
                // scale differs by the (masked) cells outside the band: equal up to rounding.
                for i in 0..<k { for j in 0..<n { #expect(abs(narrow[i][j] - masked[i][j]) <= 1e-12, "pin \(pin) (\(i), \(j))") } }
            }
            for i in 0..<k { for j in 0..<n where !band.contains(i, j) { #expect(narrow[i][j] == 0) } }
        }
    }

    /// Brute force: the best placement of every row inside its band, against the DP on the banded matrix.
    @Test func bandedDPEqualsBruteForceInsideTheBand() throws {
        let k = 4, n = 14
        var rng = SeededRNG(seed: 21)
        let full = try randomMatrix(k: k, n: n, rng: &rng)
        let band = try Self.centredBand(k: k, n: n, width: 7)
        let narrow = try Self.banded(full, band)
        let best = BruteForce.best(k: k, n: n) { p in
            p.enumerated().allSatisfy { band.contains($0.offset, $0.element) } ? BruteForce.sumOfDistances(full, p) : .infinity
        }
        let trace = try DynamicPositionRetrieval.solve(narrow)
        #expect(trace.positions == best.positions)
        #expect(abs(trace.totalCost - best.cost) < 1e-4)
    }

    /// A synthetic 1000-slot clip whose truth lies inside a band much narrower than n: every retrieval the default
    /// aligner uses gives the same positions on the banded tables as on the full ones.
    @Test func bandedRetrievalsEqualFullOnesWhenTheTruthIsInside() throws {
        let clip = try SyntheticClip(seed: 4, slots: 1000, noise: 0.2)
        let k = clip.truth.count, n = 1000
        let band = SlotBand.prior(frames: k, slots: n, sigmas: 3, floor: 8)
        #expect(!band.isFull && band.width * 2 < n)
        try #require(clip.truth.enumerated().allSatisfy { band.contains($0.offset, $0.element) })
        let narrow = try Self.banded(clip.distances, band)
        #expect(try DynamicPositionRetrieval.solve(narrow).positions == DynamicPositionRetrieval.solve(clip.distances).positions)
        let posterior = PosteriorMedianEstimator(temperature: 0.3, gapLikelihood: .fitted, pinEnds: true)
        #expect(try posterior.medians(narrow, visualChange: clip.change) == posterior.medians(clip.distances, visualChange: clip.change))
        let plain = PosteriorMedianEstimator(temperature: 0.3, pinEnds: true)
        #expect(try plain.medians(narrow) == plain.medians(clip.distances))
        // The fused posterior with a lip-geometry cue, EM included.
        var g = SeededRNG(seed: 8)
        let expected = (0..<(n * 2)).map { _ in Float(g.gaussian()) }
        let observed: [[Float]?] = clip.truth.map { s in [expected[s * 2] + Float(0.3 * g.gaussian()), expected[s * 2 + 1]] }
        let cue = try LipGeometryCue(observed: observed, expected: expected, slotCount: n, dimension: 2)
        let fused = FusedPosteriorEstimator(audioWeight: 3, geometryWeight: 0.5, geometry: cue, iterations: 2)
        let banded = try fused.estimate(AlignmentInput(distances: narrow, visualChange: clip.change))
        let whole = try fused.estimate(AlignmentInput(distances: clip.distances, visualChange: clip.change))
        #expect(banded.positions == whole.positions)
    }
}
