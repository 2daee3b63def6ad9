import Foundation

/// Minimum-Bayes-risk retrieval (ours): the posterior median slot of every frame instead of the DP's single best
/// path (Eq. 10).
///
/// Model: under independent (Bernoulli) drops every strictly increasing placement of k frames in n slots is equally
/// likely a priori (the geometric gap prior is constant over placements, see `GapPrior.geometric`), and frame i in
/// slot j has likelihood exp(−D_ij / T). Forward–backward over the monotone placements gives each frame's marginal
/// P(s_i = j) in O(k·n) (over a `SlotBand` of width w: O(k·w) time and memory; prefix sums replace the sum over predecessors); the median of that marginal minimises the
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

    /// Places the frames; without a distance matrix (`visual`) every slot of the prior band (`SlotBand.prior`) is
    /// equally likely for every frame and only the gap likelihood (and the pinned ends) move the answer.
    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard input.distances != nil || gapLikelihood != nil else { throw .missingInput("posterior needs a distance matrix") }
        guard input.frameCount > 0, input.slotCount > 0 else { throw .emptyInput("\(input.frameCount) frames, \(input.slotCount) slots") }
        guard input.frameCount <= input.slotCount else { throw .moreFramesThanSlots(frames: input.frameCount, slots: input.slotCount) }
        let d: DistanceMatrix
        if let given = input.distances {
            d = given
        } else {
            let band = SlotBand.prior(frames: input.frameCount, slots: input.slotCount)
            d = try DistanceMatrix(band: band, values: [Float](repeating: 0, count: band.cellCount))
        }
        let positions = try medians(d, visualChange: input.visualChange)
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    // MARK: - Forward–backward over the band

    /// Marginals with the gap weights over gaps 1 … G: the scaled forward–backward in the linear domain (every row
    /// rescaled to sum 1, so nothing underflows that matters), O(k·w·G) multiply-adds over the band of width w
    /// (`d.band`; cells outside it have probability 0).
    func gapMarginals(_ d: DistanceMatrix, cue: [Float], model: GapLikelihood) throws(AlignmentError) -> BandMarginals {
        let k = d.rows, n = d.columns, band = d.band, w = band.width
        guard cue.count == k - 1 else { throw .shapeMismatch("\(cue.count) visual changes for \(k) frames") }
        let g = max(1, min(n - 1, 2 * PriorDPSettings.automaticMaxGap(frames: k, slots: n)))
        let logW = try model.logWeights(changes: cue, frames: k, slots: n, maxGap: g)
        let gw = logW.map { row -> [Double] in let m = row.max() ?? 0; return row.map { exp($0 - m) } }
        let invT = 1 / temperature
        // Emissions exp(−D/T), each row scaled by its best slot.
        var e = [Double](repeating: 0, count: band.cellCount)
        for i in 0..<k {
            var m = Double.infinity
            for t in (i * w)..<((i + 1) * w) { m = min(m, Double(d.values[t])) }
            for t in (i * w)..<((i + 1) * w) { e[t] = exp(-(Double(d.values[t]) - m) * invT) }
        }
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }
        var f = [Double](repeating: 0, count: band.cellCount)
        for j in band.range(0) where allowed(0, j) { f[band.index(0, j)] = e[band.index(0, j)] }
        guard Self.rescale(&f, row: 0, width: w) else { throw .invalidSetting("no slot is possible for the first frame") }
        for i in 1..<max(k, 1) {
            let wi = gw[i - 1]
            let prevLo = band.start[i - 1], prevHi = prevLo + w - 1, prevBase = (i - 1) * w - prevLo
            for j in band.range(i) where allowed(i, j) {
                // Gaps whose predecessor lies in row i − 1's band (the others hold probability 0).
                var acc = 0.0
                let first = max(1, j - prevHi), last = min(g, j, j - prevLo)
                if first <= last {
                    for gap in first...last { acc += f[prevBase + j - gap] * wi[gap - 1] }
                }
                f[band.index(i, j)] = e[band.index(i, j)] * acc
            }
            guard Self.rescale(&f, row: i, width: w) else {
                throw .invalidSetting("no placement of frame \(i) fits gaps of at most \(g) slots")
            }
        }
        var b = [Double](repeating: 0, count: band.cellCount)
        for j in band.range(k - 1) where allowed(k - 1, j) { b[band.index(k - 1, j)] = 1 }
        for i in stride(from: k - 2, through: 0, by: -1) {
            let wi = gw[i]
            let nextLo = band.start[i + 1], nextHi = nextLo + w - 1, nextBase = (i + 1) * w - nextLo
            for j in band.range(i) where allowed(i, j) {
                var acc = 0.0
                let first = max(1, nextLo - j), last = min(g, n - 1 - j, nextHi - j)
                if first <= last {
                    for gap in first...last { acc += wi[gap - 1] * e[nextBase + j + gap] * b[nextBase + j + gap] }
                }
                b[band.index(i, j)] = acc
            }
            _ = Self.rescale(&b, row: i, width: w)
        }
        // The marginals overwrite the forward table.
        for i in 0..<k {
            let r = (i * w)..<((i + 1) * w)
            var s = 0.0
            for t in r { f[t] *= b[t]; s += f[t] }
            if s > 0, s.isFinite {
                for t in r { f[t] /= s }
            } else {
                for t in r { f[t] = 1 / Double(w) }
            }
        }
        return BandMarginals(band: band, values: f)
    }

    /// Whether frame i of k may sit in slot j of n: every frame needs room for those before and after it, and with
    /// `pinEnds` the first and last frames sit in the first and last slots.
    func isAllowed(frame i: Int, slot j: Int, frames k: Int, slots n: Int) -> Bool {
        if pinEnds && i == 0 { return j == 0 }
        if pinEnds && i == k - 1 { return j == n - 1 }
        return j >= i && j <= n - k + i
    }

    /// Scales row `row` (of `width` cells) of `m` to sum 1; false when it has no mass.
    static func rescale(_ m: inout [Double], row: Int, width w: Int) -> Bool {
        var s = 0.0
        for t in (row * w)..<((row + 1) * w) { s += m[t] }
        guard s > 0, s.isFinite else { return false }
        let inv = 1 / s
        for t in (row * w)..<((row + 1) * w) { m[t] *= inv }
        return true
    }

    /// Each frame's marginal distribution over slots (k rows of n probabilities; 0 outside `d.band`).
    public func marginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [[Double]] {
        try bandMarginals(d, visualChange: visualChange).dense()
    }

    /// Each frame's marginal over the slots of its band (`d.band`): what the medians and EM read, in O(k·w) memory.
    public func bandMarginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> BandMarginals {
        let k = d.rows, n = d.columns, band = d.band, w = band.width
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        guard temperature.isFinite, temperature > 0 else { throw .invalidSetting("temperature \(temperature)") }
        if let cue = visualChange, let model = gapLikelihood, k >= 2 {
            return try gapMarginals(d, cue: cue, model: model)
        }
        // Log domain throughout: log-likelihood −D/T; forward F(i, j) = ℓ(i, j) + logΣ_{j' < j} F(i − 1, j'),
        // backward B(i, j) = logΣ_{j' > j} [ℓ(i + 1, j') + B(i + 1, j')]; frame i can only sit in i … n − k + i
        // and inside its band (the prefix and suffix sums skip cells outside it, which hold −∞).
        let invT = 1 / temperature
        let dv = d.values
        var f = [Double](repeating: -.infinity, count: band.cellCount)
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }
        for j in band.range(0) where allowed(0, j) { f[band.index(0, j)] = -Double(dv[band.index(0, j)]) * invT }
        for i in 1..<max(k, 1) {
            let prevLo = band.start[i - 1], prevBase = (i - 1) * w - prevLo, lo = band.start[i]
            var prefix = -Double.infinity
            for j in prevLo..<min(lo, prevLo + w) { prefix = Self.logAdd(prefix, f[prevBase + j]) }
            for j in band.range(i) {
                if allowed(i, j) { f[band.index(i, j)] = -Double(dv[band.index(i, j)]) * invT + prefix }
                if band.contains(i - 1, j) { prefix = Self.logAdd(prefix, f[prevBase + j]) }
            }
        }
        var b = [Double](repeating: -.infinity, count: band.cellCount)
        for j in band.range(k - 1) where allowed(k - 1, j) || k == 1 { b[band.index(k - 1, j)] = 0 }
        if k >= 2 {
            for i in stride(from: k - 2, through: 0, by: -1) {
                let nextLo = band.start[i + 1], nextBase = (i + 1) * w - nextLo, hi = band.start[i] + w
                var suffix = -Double.infinity
                func take(_ j: Int) {
                    if allowed(i + 1, j) { suffix = Self.logAdd(suffix, -Double(dv[nextBase + j]) * invT + b[nextBase + j]) }
                }
                for j in stride(from: nextLo + w - 1, through: max(hi, nextLo), by: -1) { take(j) }
                for j in stride(from: hi - 1, through: band.start[i], by: -1) {
                    b[band.index(i, j)] = suffix
                    if band.contains(i + 1, j) { take(j) }
                }
            }
        }
        // The marginals overwrite the forward table.
        for i in 0..<k {
            let r = (i * w)..<((i + 1) * w)
            var m = -Double.infinity
            for t in r { f[t] += b[t]; m = max(m, f[t]) }
            guard m.isFinite else {
                for t in r { f[t] = 1 / Double(w) }
                continue
            }
            var s = 0.0
            for t in r { f[t] = exp(f[t] - m); s += f[t] }
            for t in r { f[t] /= s }
        }
        return BandMarginals(band: band, values: f)
    }

    /// log(e^a + e^b), exact for −∞ operands.
    @inline(__always) static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }

    /// The posterior median of every frame, made strictly increasing.
    public func medians(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [Int] {
        let p = try bandMarginals(d, visualChange: visualChange)
        let n = d.columns, k = d.rows
        var out = (0..<k).map { i -> Int in
            var c = 0.0
            for j in p.band.range(i) {
                c += p.values[p.band.index(i, j)]
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

/// Each frame's posterior marginal over the slots of its band (`SlotBand`): k × width probabilities, row-major;
/// every slot outside a frame's band has probability 0.
public struct BandMarginals: Sendable, Equatable {
    public let band: SlotBand
    /// `band.cellCount` probabilities, row i = frame i starting at slot `band.start[i]`.
    public let values: [Double]

    public init(band: SlotBand, values: [Double]) {
        self.band = band
        self.values = values
    }

    /// P(s_i = j), 0 outside the band.
    public subscript(i: Int, j: Int) -> Double { band.contains(i, j) ? values[band.index(i, j)] : 0 }

    /// k rows of n probabilities.
    public func dense() -> [[Double]] {
        (0..<band.rows).map { i in
            var row = [Double](repeating: 0, count: band.columns)
            for j in band.range(i) { row[j] = values[band.index(i, j)] }
            return row
        }
    }
}
