import Foundation

/// Minimum-Bayes-risk retrieval (ours): the posterior median slot of every frame instead of the DP's single best
/// path (Eq. 10).
///
/// Model: under independent (Bernoulli) drops every strictly increasing placement of k frames in n slots is equally
/// likely a priori (the geometric gap prior is constant over placements, see `GapPrior.geometric`), and frame i in
/// slot j has likelihood exp(−D_ij / T). Forward–backward over the monotone placements gives each frame's marginal
/// P(s_i = j) in O(k·n) (prefix sums replace the sum over predecessors); the median of that marginal minimises the
/// expected |s_i − s'_i|, i.e. the expected Ali_b — the quantity Table III reports — where the DP minimises the
/// probability of any error at all. T interpolates: T → 0 gives the DP's path, T → ∞ the prior's medians, which
/// are the even spread of `uniform`. The medians are non-decreasing; ties are pushed apart by
/// `PositionEstimate.monotone`-style repair (each frame at least one slot after its predecessor).
public struct PosteriorMedianEstimator: PositionEstimator {
    /// T, in distance units.
    public var temperature: Double
    /// Visual continuity (as in `dp-prior`): with the input's `visualChange`, a gap g between frames i − 1 and i
    /// has weight exp(−μ·|g − ĝ(c_{i−1})| / T), gaps searched up to twice `PriorDPSettings.automaticMaxGap`
    /// (O(k·n·G)); without it the O(k·n) prefix-sum recursion is used.
    public var continuity: ContinuityPrior?

    public var name: String { "posterior" }

    public init(temperature: Double, continuity: ContinuityPrior? = nil) {
        self.temperature = temperature
        self.continuity = continuity
    }

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard let d = input.distances else { throw .missingInput("posterior needs a distance matrix") }
        let positions = try medians(d, visualChange: input.visualChange)
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// Marginals with the continuity weights over gaps 1 … G (see `continuity`).
    func continuityMarginals(_ d: DistanceMatrix, cue: [Float], model: ContinuityPrior) throws(AlignmentError) -> [[Double]] {
        let k = d.rows, n = d.columns
        guard cue.count == k - 1 else { throw .shapeMismatch("\(cue.count) visual changes for \(k) frames") }
        let g = min(n, 2 * PriorDPSettings.automaticMaxGap(frames: k, slots: n))
        let invT = 1 / temperature
        // logW[i − 1][gap − 1]: transition from frame i − 1 to frame i.
        let logW = (0..<max(0, k - 1)).map { i in
            (1...g).map { gap in -model.weight * abs(Double(gap) - model.expectedGap(Double(cue[i]))) * invT }
        }
        var f = [Double](repeating: -.infinity, count: k * n)
        for j in 0...(n - k) { f[j] = -Double(d[0, j]) * invT }
        for i in 1..<max(k, 1) {
            for j in i...(n - k + i) {
                var acc = -Double.infinity
                for gap in 1...min(g, j) { acc = Self.logAdd(acc, f[(i - 1) * n + j - gap] + logW[i - 1][gap - 1]) }
                f[i * n + j] = -Double(d[i, j]) * invT + acc
            }
        }
        var b = [Double](repeating: -.infinity, count: k * n)
        for j in 0..<n { b[(k - 1) * n + j] = 0 }
        if k >= 2 {
            for i in stride(from: k - 2, through: 0, by: -1) {
                for j in 0..<n {
                    var acc = -Double.infinity
                    for gap in 1...g where j + gap < n {
                        acc = Self.logAdd(acc, -Double(d[i + 1, j + gap]) * invT + b[(i + 1) * n + j + gap] + logW[i][gap - 1])
                    }
                    b[i * n + j] = acc
                }
            }
        }
        return Self.normalised(f, b, k: k, n: n)
    }

    static func normalised(_ f: [Double], _ b: [Double], k: Int, n: Int) -> [[Double]] {
        (0..<k).map { i in
            let logs = (0..<n).map { f[i * n + $0] + b[i * n + $0] }
            let m = logs.max() ?? 0
            guard m.isFinite else { return [Double](repeating: 1 / Double(n), count: n) }
            var p = logs.map { exp($0 - m) }
            let s = p.reduce(0, +)
            for j in p.indices { p[j] /= s }
            return p
        }
    }

    /// Each frame's marginal distribution over slots (k rows of n probabilities).
    public func marginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [[Double]] {
        let k = d.rows, n = d.columns
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        guard temperature.isFinite, temperature > 0 else { throw .invalidSetting("temperature \(temperature)") }
        if let cue = visualChange, let model = continuity, model.weight > 0, k >= 2 {
            return try continuityMarginals(d, cue: cue, model: model)
        }
        // Log domain throughout: log-likelihood −D/T; forward F(i, j) = ℓ(i, j) + logΣ_{j' < j} F(i − 1, j'),
        // backward B(i, j) = logΣ_{j' > j} [ℓ(i + 1, j') + B(i + 1, j')]; frame i can only sit in i … n − k + i.
        let invT = 1 / temperature
        var f = [Double](repeating: -.infinity, count: k * n)
        for j in 0...(n - k) { f[j] = -Double(d[0, j]) * invT }
        for i in 1..<max(k, 1) {
            var prefix = -Double.infinity
            for j in 0..<n {
                if j >= i && j <= n - k + i { f[i * n + j] = -Double(d[i, j]) * invT + prefix }
                prefix = Self.logAdd(prefix, f[(i - 1) * n + j])
            }
        }
        var b = [Double](repeating: -.infinity, count: k * n)
        for j in 0..<n { b[(k - 1) * n + j] = 0 }
        if k >= 2 {
            for i in stride(from: k - 2, through: 0, by: -1) {
                var suffix = -Double.infinity
                for j in stride(from: n - 1, through: 0, by: -1) {
                    b[i * n + j] = suffix
                    suffix = Self.logAdd(suffix, -Double(d[i + 1, j]) * invT + b[(i + 1) * n + j])
                }
            }
        }
        return (0..<k).map { i in
            let logs = (0..<n).map { f[i * n + $0] + b[i * n + $0] }
            let m = logs.max() ?? 0
            guard m.isFinite else { return [Double](repeating: 1 / Double(n), count: n) }
            var p = logs.map { exp($0 - m) }
            let s = p.reduce(0, +)
            for j in p.indices { p[j] /= s }
            return p
        }
    }

    /// log(e^a + e^b), exact for −∞ operands.
    @inline(__always) static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }

    /// The posterior median of every frame, made strictly increasing.
    public func medians(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [Int] {
        let p = try marginals(d, visualChange: visualChange)
        let n = d.columns, k = d.rows
        var out = p.map { row -> Int in
            var c = 0.0
            for (j, v) in row.enumerated() {
                c += v
                if c >= 0.5 { return j }
            }
            return n - 1
        }
        for i in 0..<k {
            let low = i == 0 ? 0 : out[i - 1] + 1
            out[i] = min(max(out[i], low), n - (k - i))
        }
        return out
    }
}
