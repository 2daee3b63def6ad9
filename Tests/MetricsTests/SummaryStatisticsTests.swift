import Testing
@testable import Metrics

/// Mean, N − 1 standard deviation, 95% interval and median against hand computation.
@Suite struct SummaryStatisticsTests {
    @Test func handComputedValues() {
        let s = SummaryStatistics([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.count == 8)
        #expect(s.mean == 5)
        // Σ(x − 5)² = 32, s = √(32/7)
        #expect(abs(s.standardDeviation - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(abs(s.confidence95 - 1.96 * (32.0 / 7).squareRoot() / 8.0.squareRoot()) < 1e-12)
        #expect(s.median == 4.5)
        #expect(s.minimum == 2 && s.maximum == 9)
    }

    @Test func infinitiesAreLeftOutAndEmptyIsNaN() {
        let s = SummaryStatistics([1, .infinity, 3])
        #expect(s.count == 2 && s.mean == 2 && s.median == 2)
        #expect(SummaryStatistics([Double]()).mean.isNaN)
        #expect(SummaryStatistics([7]).confidence95 == 0)
    }

    @Test func kurtosisAndPearson() {
        // Two-point symmetric distribution: β₂ = 1.
        #expect(abs(SummaryStatistics.kurtosis([1, -1, 1, -1]) - 1) < 1e-12)
        #expect(abs(SummaryStatistics.pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12)
        #expect(abs(SummaryStatistics.pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12)
        #expect(SummaryStatistics.pearson([1, 1, 1], [1, 2, 3]).isNaN)
    }
}
