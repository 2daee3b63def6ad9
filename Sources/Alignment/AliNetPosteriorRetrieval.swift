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
    /// Visual continuity: with the input's `visualChange` (thumbnail changes, `VisualChange.thumbnailChange`), a gap
    /// g between frames i and i + 1 gets the weight w_i(g) of `GapLikelihood`, gaps searched up to twice
    /// `PriorDPSettings.automaticMaxGap` (O(k·n·G)); without it the O(k·n) prefix-sum recursion is used.
    public var gapLikelihood: GapLikelihood?
    /// The first surviving frame is the clip's first frame and the last is its last (what `dropfill drop` and
    /// `FrameDropper` guarantee, and what `uniform` assumes): frame 0 sits in slot 0 and frame k − 1 in slot n − 1.
    public var pinEnds: Bool

    public var name: String { "posterior" }

    public init(temperature: Double, gapLikelihood: GapLikelihood? = nil, pinEnds: Bool = false) {
        self.temperature = temperature
        self.gapLikelihood = gapLikelihood
        self.pinEnds = pinEnds
    }

    /// Places the frames; without a distance matrix (`visual`) every slot is equally likely for every frame and
    /// only the gap likelihood (and the pinned ends) move the answer.
    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard input.distances != nil || gapLikelihood != nil else { throw .missingInput("posterior needs a distance matrix") }
        guard input.frameCount > 0, input.slotCount > 0 else { throw .emptyInput("\(input.frameCount) frames, \(input.slotCount) slots") }
        guard input.frameCount <= input.slotCount else { throw .moreFramesThanSlots(frames: input.frameCount, slots: input.slotCount) }
        let d: DistanceMatrix
        if let given = input.distances {
            d = given
        } else {
            d = try DistanceMatrix(rows: input.frameCount, columns: input.slotCount,
                                   values: [Float](repeating: 0, count: input.frameCount * input.slotCount))
        }
        let positions = try medians(d, visualChange: input.visualChange)
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// Marginals with the gap weights over gaps 1 … G: the scaled forward–backward in the linear domain (every row
    /// rescaled to sum 1, so nothing underflows that matters), O(k·n·G) multiply-adds.
    func gapMarginals(_ d: DistanceMatrix, cue: [Float], model: GapLikelihood) throws(AlignmentError) -> [[Double]] {
        let k = d.rows, n = d.columns
        guard cue.count == k - 1 else { throw .shapeMismatch("\(cue.count) visual changes for \(k) frames") }
        let g = max(1, min(n - 1, 2 * PriorDPSettings.automaticMaxGap(frames: k, slots: n)))
        let logW = try model.logWeights(changes: cue, frames: k, slots: n, maxGap: g)
        let w = logW.map { row -> [Double] in let m = row.max() ?? 0; return row.map { exp($0 - m) } }
        let invT = 1 / temperature
        // Emissions exp(−D/T), each row scaled by its best slot.
        var e = [Double](repeating: 0, count: k * n)
        for i in 0..<k {
            var m = Double.infinity
            for j in 0..<n { m = min(m, Double(d[i, j])) }
            for j in 0..<n { e[i * n + j] = exp(-(Double(d[i, j]) - m) * invT) }
        }
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }
        var f = [Double](repeating: 0, count: k * n)
        for j in 0..<n where allowed(0, j) { f[j] = e[j] }
        guard Self.rescale(&f, row: 0, n: n) else { throw .invalidSetting("no slot is possible for the first frame") }
        for i in 1..<k {
            let wi = w[i - 1]
            for j in 0..<n where allowed(i, j) {
                var acc = 0.0
                for gap in 1...min(g, j) { acc += f[(i - 1) * n + j - gap] * wi[gap - 1] }
                f[i * n + j] = e[i * n + j] * acc
            }
            guard Self.rescale(&f, row: i, n: n) else {
                throw .invalidSetting("no placement of frame \(i) fits gaps of at most \(g) slots")
            }
        }
        var b = [Double](repeating: 0, count: k * n)
        for j in 0..<n where allowed(k - 1, j) { b[(k - 1) * n + j] = 1 }
        for i in stride(from: k - 2, through: 0, by: -1) {
            let wi = w[i]
            for j in 0..<n where allowed(i, j) {
                var acc = 0.0
                for gap in 1...g where j + gap < n { acc += wi[gap - 1] * e[(i + 1) * n + j + gap] * b[(i + 1) * n + j + gap] }
                b[i * n + j] = acc
            }
            _ = Self.rescale(&b, row: i, n: n)
        }
        return (0..<k).map { i in
            var p = (0..<n).map { f[i * n + $0] * b[i * n + $0] }
            let s = p.reduce(0, +)
            guard s > 0, s.isFinite else { return [Double](repeating: 1 / Double(n), count: n) }
            for j in p.indices { p[j] /= s }
            return p
        }
    }

    /// Whether frame i of k may sit in slot j of n: every frame needs room for those before and after it, and with
    /// `pinEnds` the first and last frames sit in the first and last slots.
    func isAllowed(frame i: Int, slot j: Int, frames k: Int, slots n: Int) -> Bool {
        if pinEnds && i == 0 { return j == 0 }
        if pinEnds && i == k - 1 { return j == n - 1 }
        return j >= i && j <= n - k + i
    }

    /// Scales row `row` of `m` to sum 1; false when it has no mass.
    static func rescale(_ m: inout [Double], row: Int, n: Int) -> Bool {
        var s = 0.0
        for j in 0..<n { s += m[row * n + j] }
        guard s > 0, s.isFinite else { return false }
        let inv = 1 / s
        for j in 0..<n { m[row * n + j] *= inv }
        return true
    }

    /// Each frame's marginal distribution over slots (k rows of n probabilities).
    public func marginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [[Double]] {
        let k = d.rows, n = d.columns
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        guard temperature.isFinite, temperature > 0 else { throw .invalidSetting("temperature \(temperature)") }
        if let cue = visualChange, let model = gapLikelihood, k >= 2 {
            return try gapMarginals(d, cue: cue, model: model)
        }
        // Log domain throughout: log-likelihood −D/T; forward F(i, j) = ℓ(i, j) + logΣ_{j' < j} F(i − 1, j'),
        // backward B(i, j) = logΣ_{j' > j} [ℓ(i + 1, j') + B(i + 1, j')]; frame i can only sit in i … n − k + i.
        let invT = 1 / temperature
        var f = [Double](repeating: -.infinity, count: k * n)
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }
        for j in 0...(n - k) where allowed(0, j) { f[j] = -Double(d[0, j]) * invT }
        for i in 1..<max(k, 1) {
            var prefix = -Double.infinity
            for j in 0..<n {
                if allowed(i, j) { f[i * n + j] = -Double(d[i, j]) * invT + prefix }
                prefix = Self.logAdd(prefix, f[(i - 1) * n + j])
            }
        }
        var b = [Double](repeating: -.infinity, count: k * n)
        for j in 0..<n where allowed(k - 1, j) || k == 1 { b[(k - 1) * n + j] = 0 }
        if k >= 2 {
            for i in stride(from: k - 2, through: 0, by: -1) {
                var suffix = -Double.infinity
                for j in stride(from: n - 1, through: 0, by: -1) {
                    b[i * n + j] = suffix
                    if allowed(i + 1, j) { suffix = Self.logAdd(suffix, -Double(d[i + 1, j]) * invT + b[(i + 1) * n + j]) }
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
