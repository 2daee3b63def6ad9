import Testing
@testable import Metrics

/// Ali_b is the sum of absolute slot errors; clips summarise by mean, median and pooled exact share.
@Suite struct PositionBiasTests {
    @Test func sumsAbsoluteErrors() throws {
        let b = try PositionBias(predicted: [0, 9, 15, 30], truth: [0, 8, 17, 30])
        #expect(b.total == 3)
        #expect(b.exact == 2)
        #expect(b.exactShare == 0.5)
    }

    @Test func summaryMeanMedianAndShare() throws {
        let clips = [try PositionBias(predicted: [0, 5], truth: [0, 1]),     // 4, 1 exact
                     try PositionBias(predicted: [2, 3], truth: [0, 3]),     // 2, 1 exact
                     try PositionBias(predicted: [0, 10, 20], truth: [1, 10, 29])]  // 10, 1 exact
        let s = try PositionBiasSummary(clips)
        #expect(s.clips == 3)
        #expect(abs(s.mean - 16.0 / 3) < 1e-12)
        #expect(s.median == 4)
        #expect(abs(s.exactShare - 3.0 / 7) < 1e-12)
        #expect(try PositionBiasSummary(Array(clips.prefix(2))).median == 3)
    }

    @Test func badInputThrows() {
        #expect(throws: MetricsError.self) { try PositionBias(predicted: [1], truth: [1, 2]) }
        #expect(throws: MetricsError.self) { try PositionBias(predicted: [], truth: []) }
        #expect(throws: MetricsError.self) { try PositionBiasSummary([]) }
    }
}
