import Testing
@testable import Alignment

/// The paper's DP (Eq. 10): optimal among increasing placements, inspectable, and robust to bad input.
@Suite struct DynamicPositionRetrievalTests {
    @Test func matchesBruteForceOnRandomMatrices() throws {
        var rng = SeededRNG(seed: 42)
        for _ in 0..<300 {
            let k = rng.int(1...6), n = rng.int(k...14)
            let d = try randomMatrix(k: k, n: n, rng: &rng)
            let trace = try DynamicPositionRetrieval.solve(d)
            let brute = BruteForce.best(k: k, n: n) { BruteForce.sumOfDistances(d, $0) }
            #expect(zip(trace.positions, trace.positions.dropFirst()).allSatisfy { $0 < $1 })
            #expect(trace.positions.allSatisfy { (0..<n).contains($0) })
            #expect(abs(BruteForce.sumOfDistances(d, trace.positions) - brute.cost) < 1e-4)
            #expect(abs(trace.totalCost - brute.cost) < 1e-4)
        }
    }

    /// In the spirit of Fig. 7: truth {0, 2, 3, 4}; β = 5 gives the paper's {0, None, 5, 2}, the DP the truth.
    static let figure7 = try? DistanceMatrix(rows: 4, columns: 6, values: [
        1, 9, 7, 8, 9, 9,
        9, 6, 5.5, 8, 7, 9,
        9, 9, 8, 4.5, 9, 3,
        9, 9, 2, 9, 4, 9,
    ])

    @Test func figure7StyleMatrix() throws {
        let d = try #require(Self.figure7)
        let dp = try DynamicPositionRetrieval().estimate(AlignmentInput(distances: d))
        #expect(dp.positions == [0, 2, 3, 4])
        #expect(dp.isStrictlyIncreasing)
        let threshold = try ThresholdEstimator(beta: 5).estimate(AlignmentInput(distances: d))
        #expect(threshold.placements == [0, nil, 5, 2])
        #expect(!threshold.isStrictlyIncreasing)
        #expect(threshold.positions == [0, 2, 5, 2])   // the None falls back to its row's minimum (5.5 at slot 2)
    }

    @Test func traceLetsAViewerReplayEq10() throws {
        let d = try #require(Self.figure7)
        let t = try DynamicPositionRetrieval.solve(d)
        // Row 0 is D itself on the usable band; cells left of the diagonal are unusable.
        #expect(t.cost[t.index(0, 0)] == 1 && t.cost[t.index(2, 1)] == .infinity)
        #expect(t.predecessor[t.index(0, 1)] == -1)
        for i in 1..<t.rows {
            for j in i...(t.columns - t.rows + i) {
                // DP(i, j) = D(i, j) + min DP(i−1, 0:j), and the stored predecessor attains it.
                let p = Int(t.predecessor[t.index(i, j)])
                #expect(p < j && p >= i - 1)
                #expect(t.cost[t.index(i, j)] == d[i, j] + t.cost[t.index(i - 1, p)])
                #expect(t.prefixMin[t.index(i - 1, j - 1)] == t.cost[t.index(i - 1, p)])
            }
        }
        #expect(t.totalCost == 15)   // 1 + 5.5 + 4.5 + 4
        #expect(t.finalCost[4] == 15)
    }

    @Test func singleFrameTakesItsMinimum() throws {
        let d = try DistanceMatrix(rows: 1, columns: 5, values: [3, 2, 0.5, 0.5, 4])
        #expect(try DynamicPositionRetrieval.solve(d).positions == [2])   // earliest on ties
    }

    @Test func asManyFramesAsSlotsIsTheIdentity() throws {
        var rng = SeededRNG(seed: 7)
        let d = try randomMatrix(k: 9, n: 9, rng: &rng)
        #expect(try DynamicPositionRetrieval.solve(d).positions == Array(0..<9))
    }

    @Test func badInputThrowsTypedErrors() throws {
        let d = try DistanceMatrix(rows: 5, columns: 4, values: [Float](repeating: 1, count: 20))
        #expect(throws: AlignmentError.moreFramesThanSlots(frames: 5, slots: 4)) {
            try DynamicPositionRetrieval.solve(d)
        }
        #expect(throws: AlignmentError.moreFramesThanSlots(frames: 5, slots: 4)) {
            try PriorDPEstimator().solve(d)
        }
        #expect(throws: AlignmentError.missingInput("dp needs a distance matrix")) {
            try DynamicPositionRetrieval().estimate(AlignmentInput(frameCount: 3, slotCount: 9))
        }
    }
}
