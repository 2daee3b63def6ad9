/// Summary statistics of a sample: what every table in dropfill reports (mean with a 95% interval, median).
///
/// The one place these are computed: evaluation tables, benchmark medians and rating reports all use it.
public struct SummaryStatistics: Sendable, Codable, Equatable {
    /// Number of values.
    public var count: Int
    /// Arithmetic mean (NaN for no values).
    public var mean: Double
    /// Sample standard deviation, with N − 1 in the denominator (0 for fewer than two values).
    public var standardDeviation: Double
    /// Half-width of the 95% confidence interval of the mean under the normal approximation: 1.96 · s / √N.
    public var confidence95: Double
    /// Median (mean of the two middle values for an even count).
    public var median: Double
    public var minimum: Double
    public var maximum: Double

    /// Statistics of `values`; non-finite values are left out (an identical frame's PSNR of +∞ is reported apart).
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        let v = values.filter { $0.isFinite }.sorted()
        count = v.count
        guard !v.isEmpty else {
            mean = .nan; standardDeviation = 0; confidence95 = 0; median = .nan; minimum = .nan; maximum = .nan
            return
        }
        let m = v.reduce(0, +) / Double(v.count)
        mean = m
        let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        standardDeviation = v.count > 1 ? (ss / Double(v.count - 1)).squareRoot() : 0
        confidence95 = v.count > 1 ? 1.96 * standardDeviation / Double(v.count).squareRoot() : 0
        median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        minimum = v[0]
        maximum = v[v.count - 1]
    }

    /// Sample excess-free kurtosis β₂ = m₄ / m₂² (3 for a normal distribution), as BT.500's screening uses it.
    public static func kurtosis<S: Sequence>(_ values: S) -> Double where S.Element == Double {
        let v = Array(values)
        guard v.count > 1 else { return .nan }
        let m = v.reduce(0, +) / Double(v.count)
        let m2 = v.reduce(0) { $0 + pow2($1 - m) } / Double(v.count)
        let m4 = v.reduce(0) { $0 + pow2(pow2($1 - m)) } / Double(v.count)
        return m2 > 0 ? m4 / (m2 * m2) : .nan
    }

    /// Pearson's correlation coefficient of two equal-length samples (NaN when either is constant).
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, a.count > 1 else { return .nan }
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
    }

    private static func pow2(_ x: Double) -> Double { x * x }
}
