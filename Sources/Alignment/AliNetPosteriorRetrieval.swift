import Foundation

/// Minimum-Bayes-risk retrieval (ours): the posterior median slot of every frame instead of the DP's single best
/// path (Eq. 10).
///
/// Model: under independent (Bernoulli) drops every strictly increasing placement of k frames in n slots is equally
/// likely a priori (the geometric gap prior is constant over placements, see `GapPrior.geometric`), and frame i in
/// slot j has likelihood exp(−D_ij / T). Forward–backward over the monotone placements gives each frame's marginal
/// P(s_i = j) in O(k·n) (over a `SlotBand` of width w: O(k·w) time; prefix sums replace the sum over predecessors);
/// the median of that marginal minimises the expected |s_i − s'_i|, i.e. the expected Ali_b — the quantity Table III
/// reports — where the DP minimises the probability of any error at all. T interpolates: T → 0 gives the DP's path,
/// T → ∞ the prior's medians, which are the even spread of `uniform`. The medians are non-decreasing; ties are pushed
/// apart by `PositionEstimate.monotone`-style repair (each frame at least one slot after its predecessor).
///
/// ## Memory
/// The forward–backward is streamed (`sweep`): it holds no k × w table besides the distances it is given. Emissions
/// are computed per row from the distances when a sweep needs them; the forward pass keeps its row only every
/// C = ⌈√k⌉ rows and the backward pass (rows k − 1 … 0) recomputes each block of ≤ C forward rows from its
/// checkpoint, so the tables cost O((k/C + C)·w) = O(√k·w) cells instead of three k × w ones. Each frame's marginal is
/// handed to a consumer as soon as its backward row is known (the medians keep one slot per row, EM's M step a few
/// sums). The recomputed rows are the same operations in the same order as the first pass, so every result is
/// bit-identical to keeping the tables. `bandMarginals` and `marginals` still return the k × w (k × n) marginals for
/// tests and viewers, collected from the same sweep.
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
        let positions: [Int]
        if var given = input.distances {
            positions = try medians(rows: &given, visualChange: input.visualChange)
        } else {
            var flat = FlatBandRows(band: SlotBand.prior(frames: input.frameCount, slots: input.slotCount))
            positions = try medians(rows: &flat, visualChange: input.visualChange)
        }
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    // MARK: - Results over the streamed sweep

    /// Each frame's marginal distribution over slots (k rows of n probabilities; 0 outside `d.band`).
    public func marginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [[Double]] {
        try bandMarginals(d, visualChange: visualChange).dense()
    }

    /// Each frame's marginal over the slots of its band (`d.band`), collected into a k × w table (for tests, viewers
    /// and `LipGeometryCue.adapted(marginals:)`; the estimators themselves consume the rows as `sweep` yields them).
    public func bandMarginals(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> BandMarginals {
        var rows = d
        return try bandMarginals(rows: &rows, visualChange: visualChange)
    }

    /// `bandMarginals` over any row source.
    func bandMarginals<R: BandRows>(rows: inout R, visualChange: [Float]?, stride: Int? = nil) throws(AlignmentError) -> BandMarginals {
        let band = rows.band, w = band.width
        var table = [Double](repeating: 0, count: band.cellCount)
        try sweep(&rows, visualChange: visualChange, stride: stride) { i, p in
            let base = i * w
            for t in 0..<w { table[base + t] = p[t] }
        }
        return BandMarginals(band: band, values: table)
    }

    /// The posterior median of every frame, made strictly increasing.
    public func medians(_ d: DistanceMatrix, visualChange: [Float]? = nil) throws(AlignmentError) -> [Int] {
        var rows = d
        return try medians(rows: &rows, visualChange: visualChange)
    }

    /// `medians` over any row source: each marginal row gives its first slot of cumulative probability ≥ 0.5 (n − 1
    /// when rounding keeps every cumulative below it) as the sweep delivers it; then the repair pass.
    func medians<R: BandRows>(rows: inout R, visualChange: [Float]?, stride: Int? = nil) throws(AlignmentError) -> [Int] {
        let band = rows.band, n = band.columns, k = band.rows
        var out = [Int](repeating: n - 1, count: k)
        try sweep(&rows, visualChange: visualChange, stride: stride) { i, p in
            var c = 0.0
            let lo = band.start[i]
            for t in 0..<band.width {
                c += p[t]
                if c >= 0.5 { out[i] = lo + t; return }
            }
        }
        for i in 0..<k {
            let low = i == 0 ? 0 : out[i - 1] + 1
            out[i] = min(max(out[i], low), n - (k - i))
        }
        return out
    }

    // MARK: - Streamed forward–backward over the band

    /// C = ⌈√k⌉: rows between stored forward rows, which minimises the k/C checkpoints plus the C recomputed rows.
    static func checkpointStride(frames k: Int) -> Int {
        var c = max(1, Int(Double(max(k, 1)).squareRoot()))
        while c * c < k { c += 1 }
        while c > 1, (c - 1) * (c - 1) >= k { c -= 1 }
        return c
    }

    /// The forward–backward over the band of `rows`, delivering every frame's marginal (its `band.width`
    /// probabilities) to `deliver` in the order k − 1, …, 0. With a visual change and a gap likelihood (k ≥ 2) it is
    /// the scaled linear-domain recursion with gap weights, otherwise the log-domain prefix-sum one.
    ///
    /// Memory: the forward rows are stored every `stride` rows (default `checkpointStride`, ⌈√k⌉), one block of
    /// ≤ `stride` forward rows and their emissions (energies in the log domain) is recomputed from its checkpoint
    /// during the backward pass, and the backward keeps only rows i and i + 1: (k/C + 2C + a few)·w cells, never a
    /// k × w table. The recomputed rows repeat the first pass's operations in the same order, so the marginals are
    /// bit-identical to the full-table recursion whatever the stride.
    func sweep<R: BandRows>(_ rows: inout R, visualChange: [Float]?, stride: Int? = nil,
                            deliver: (Int, [Double]) -> Void) throws(AlignmentError) {
        let band = rows.band, k = band.rows, n = band.columns
        guard k > 0, n > 0 else { throw .emptyInput("\(k) frames, \(n) slots") }
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        guard temperature.isFinite, temperature > 0 else { throw .invalidSetting("temperature \(temperature)") }
        let c = min(max(1, stride ?? Self.checkpointStride(frames: k)), k)
        if let cue = visualChange, let model = gapLikelihood, k >= 2 {
            try gapSweep(&rows, cue: cue, model: model, stride: c, deliver: deliver)
        } else {
            try logSweep(&rows, stride: c, deliver: deliver)
        }
    }

    /// The sweep with the gap weights over gaps 1 … G: the scaled forward–backward in the linear domain (every row
    /// rescaled to sum 1, so nothing underflows that matters), O(k·w·G) multiply-adds over the band of width w (cells
    /// outside it have probability 0). Emissions exp(−(D_ij − m_i)/T), m_i row i's smallest distance, are computed per
    /// row when needed.
    private func gapSweep<R: BandRows>(_ rows: inout R, cue: [Float], model: GapLikelihood, stride c: Int,
                                       deliver: (Int, [Double]) -> Void) throws(AlignmentError) {
        let band = rows.band, k = band.rows, n = band.columns, w = band.width
        guard cue.count == k - 1 else { throw .shapeMismatch("\(cue.count) visual changes for \(k) frames") }
        let g = max(1, min(n - 1, 2 * PriorDPSettings.automaticMaxGap(frames: k, slots: n)))
        let logW = try model.logWeights(changes: cue, frames: k, slots: n, maxGap: g)
        let gw = logW.map { row -> [Double] in let m = row.max() ?? 0; return row.map { exp($0 - m) } }
        let invT = 1 / temperature
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }
        var energy = [Float](repeating: 0, count: w)

        /// Row i's emissions into row `r` of `e`.
        func emissions(_ i: Int, into e: inout [Double], row r: Int) throws(AlignmentError) {
            try rows.fill(row: i, into: &energy, at: 0)
            var m = Double.infinity
            for t in 0..<w { m = min(m, Double(energy[t])) }
            let o = r * w
            for t in 0..<w { e[o + t] = exp(-(Double(energy[t]) - m) * invT) }
        }
        /// Forward row 0 into row `r` of `f` from its emissions in row `q` of `e`.
        func forwardFirst(_ f: inout [Double], row r: Int, _ e: [Double], row q: Int) throws(AlignmentError) {
            let o = r * w, lo = band.start[0]
            for t in 0..<w { f[o + t] = 0 }
            for j in band.range(0) where allowed(0, j) { f[o + j - lo] = e[q * w + j - lo] }
            guard Self.rescale(&f, row: r, width: w) else { throw .invalidSetting("no slot is possible for the first frame") }
        }
        /// Forward row i ≥ 1 into row `r` of `f` from row i − 1 in row `p` of `f` and row i's emissions in row `q` of `e`.
        func forward(_ i: Int, _ f: inout [Double], row r: Int, from p: Int, _ e: [Double], row q: Int) throws(AlignmentError) {
            let o = r * w, wi = gw[i - 1], lo = band.start[i]
            let prevLo = band.start[i - 1], prevHi = prevLo + w - 1, prevBase = p * w - prevLo
            for t in 0..<w { f[o + t] = 0 }
            for j in band.range(i) where allowed(i, j) {
                // Gaps whose predecessor lies in row i − 1's band (the others hold probability 0).
                var acc = 0.0
                let first = max(1, j - prevHi), last = min(g, j, j - prevLo)
                if first <= last {
                    for gap in first...last { acc += f[prevBase + j - gap] * wi[gap - 1] }
                }
                f[o + j - lo] = e[q * w + j - lo] * acc
            }
            guard Self.rescale(&f, row: r, width: w) else {
                throw .invalidSetting("no placement of frame \(i) fits gaps of at most \(g) slots")
            }
        }

        try Self.checkpointedSweep(frames: k, width: w, stride: c, zero: 0.0,
                                   load: { (i, e, r) throws(AlignmentError) in try emissions(i, into: &e, row: r) },
                                   forwardFirst: forwardFirst, forward: forward,
                                   backward: { i, b, nextE, nextB in
            let lo = band.start[i]
            for t in 0..<w { b[t] = 0 }
            if i == k - 1 {
                for j in band.range(i) where allowed(i, j) { b[j - lo] = 1 }
            } else {
                let wi = gw[i]
                let nextLo = band.start[i + 1], nextHi = nextLo + w - 1
                for j in band.range(i) where allowed(i, j) {
                    var acc = 0.0
                    let first = max(1, nextLo - j), last = min(g, n - 1 - j, nextHi - j)
                    if first <= last {
                        for gap in first...last { acc += wi[gap - 1] * nextE[j + gap - nextLo] * nextB[j + gap - nextLo] }
                    }
                    b[j - lo] = acc
                }
                _ = Self.rescale(&b, row: 0, width: w)
            }
        }, marginal: { f, o, b, marginal in
            // Forward × backward, normalised (uniform over the band when it has no mass).
            var s = 0.0
            for t in 0..<w { marginal[t] = f[o + t] * b[t]; s += marginal[t] }
            if s > 0, s.isFinite {
                for t in 0..<w { marginal[t] /= s }
            } else {
                for t in 0..<w { marginal[t] = 1 / Double(w) }
            }
        }, deliver: deliver)
    }

    /// The sweep in the log domain throughout: log-likelihood −D/T; forward F(i, j) = ℓ(i, j) + logΣ_{j' < j}
    /// F(i − 1, j'), backward B(i, j) = logΣ_{j' > j} [ℓ(i + 1, j') + B(i + 1, j')]; frame i can only sit in
    /// i … n − k + i and inside its band (the prefix and suffix sums skip cells outside it, which hold −∞).
    private func logSweep<R: BandRows>(_ rows: inout R, stride c: Int, deliver: (Int, [Double]) -> Void) throws(AlignmentError) {
        let band = rows.band, k = band.rows, n = band.columns, w = band.width
        let invT = 1 / temperature
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(frame: i, slot: j, frames: k, slots: n) }

        /// Forward row 0 into row `r` of `f` from its distances in row `q` of `dv`.
        func forwardFirst(_ f: inout [Double], row r: Int, _ dv: [Float], row q: Int) {
            let o = r * w, lo = band.start[0]
            for t in 0..<w { f[o + t] = -.infinity }
            for j in band.range(0) where allowed(0, j) { f[o + j - lo] = -Double(dv[q * w + j - lo]) * invT }
        }
        /// Forward row i ≥ 1 into row `r` of `f` from row i − 1 in row `p` of `f` and row i's distances in row `q` of `dv`.
        func forward(_ i: Int, _ f: inout [Double], row r: Int, from p: Int, _ dv: [Float], row q: Int) {
            let o = r * w, lo = band.start[i], prevLo = band.start[i - 1], prevBase = p * w - prevLo
            for t in 0..<w { f[o + t] = -.infinity }
            var prefix = -Double.infinity
            for j in prevLo..<min(lo, prevLo + w) { prefix = Self.logAdd(prefix, f[prevBase + j]) }
            for j in band.range(i) {
                if allowed(i, j) { f[o + j - lo] = -Double(dv[q * w + j - lo]) * invT + prefix }
                if band.contains(i - 1, j) { prefix = Self.logAdd(prefix, f[prevBase + j]) }
            }
        }

        try Self.checkpointedSweep(frames: k, width: w, stride: c, zero: Float(0),
                                   load: { (i, dv, r) throws(AlignmentError) in try rows.fill(row: i, into: &dv, at: r * w) },
                                   forwardFirst: forwardFirst, forward: forward,
                                   backward: { i, b, nextD, nextB in
            let lo = band.start[i]
            for t in 0..<w { b[t] = -.infinity }
            if i == k - 1 {
                for j in band.range(i) where allowed(i, j) || k == 1 { b[j - lo] = 0 }
            } else {
                let nextLo = band.start[i + 1], hi = lo + w
                var suffix = -Double.infinity
                func take(_ j: Int) {
                    if allowed(i + 1, j) { suffix = Self.logAdd(suffix, -Double(nextD[j - nextLo]) * invT + nextB[j - nextLo]) }
                }
                for j in Swift.stride(from: nextLo + w - 1, through: max(hi, nextLo), by: -1) { take(j) }
                for j in Swift.stride(from: hi - 1, through: lo, by: -1) {
                    b[j - lo] = suffix
                    if band.contains(i + 1, j) { take(j) }
                }
            }
        }, marginal: { f, o, b, marginal in
            // exp(F + B) normalised (uniform over the band when it has no mass).
            var m = -Double.infinity
            for t in 0..<w { marginal[t] = f[o + t] + b[t]; m = max(m, marginal[t]) }
            if m.isFinite {
                var s = 0.0
                for t in 0..<w { marginal[t] = exp(marginal[t] - m); s += marginal[t] }
                for t in 0..<w { marginal[t] /= s }
            } else {
                for t in 0..<w { marginal[t] = 1 / Double(w) }
            }
        }, deliver: deliver)
    }

    /// The checkpointed forward–backward both sweeps share, over k rows of w cells: the forward pass keeps two rows
    /// in turn and every c-th row as a checkpoint; the backward pass walks the blocks of c rows from the last,
    /// recomputes each block's forward rows from its checkpoint, and for each row i (k − 1 … 0) computes the
    /// backward row from row i + 1's input and backward row, then the marginal, which goes to `deliver`.
    ///
    /// `load(i, buffer, r)` puts row i's input (emissions or distances) into row r of `buffer`; `forwardFirst(f, r,
    /// input, q)` and `forward(i, f, r, p, input, q)` write forward row 0 / i into row r of `f` (from row p of `f`)
    /// with the input in row q of `input`; `backward(i, b, nextInput, nextB)` writes row i's backward into `b`;
    /// `marginal(f, o, b, out)` combines the forward row at offset o of `f` with `b`.
    private static func checkpointedSweep<Input>(
        frames k: Int, width w: Int, stride c: Int, zero: Input,
        load: (Int, inout [Input], Int) throws(AlignmentError) -> Void,
        forwardFirst: (inout [Double], Int, [Input], Int) throws(AlignmentError) -> Void,
        forward: (Int, inout [Double], Int, Int, [Input], Int) throws(AlignmentError) -> Void,
        backward: (Int, inout [Double], [Input], [Double]) -> Void,
        marginal: ([Double], Int, [Double], inout [Double]) -> Void,
        deliver: (Int, [Double]) -> Void
    ) throws(AlignmentError) {
        // Forward pass: two rows in turn, every c-th row kept.
        let blocks = (k + c - 1) / c
        var checkpoints = [Double](repeating: 0, count: blocks * w)
        var input = [Input](repeating: zero, count: w)
        var pair = [Double](repeating: 0, count: 2 * w)
        try load(0, &input, 0)
        try forwardFirst(&pair, 0, input, 0)
        for t in 0..<w { checkpoints[t] = pair[t] }
        if k >= 2 {
            for i in 1..<k {
                try load(i, &input, 0)
                try forward(i, &pair, i % 2, (i - 1) % 2, input, 0)
                if i % c == 0 {
                    let o = (i % 2) * w, d = (i / c) * w
                    for t in 0..<w { checkpoints[d + t] = pair[o + t] }
                }
            }
        }
        pair = []

        // Backward pass, block by block from the last: recompute the block's forward rows, then walk it down.
        var blockF = [Double](repeating: 0, count: c * w)
        var blockInput = [Input](repeating: zero, count: c * w)
        var nextInput = [Input](repeating: zero, count: w)
        var nextB = [Double](repeating: 0, count: w)
        var b = [Double](repeating: 0, count: w)
        var out = [Double](repeating: 0, count: w)
        for block in Swift.stride(from: blocks - 1, through: 0, by: -1) {
            let r0 = block * c, r1 = min(r0 + c, k)
            for t in 0..<w { blockF[t] = checkpoints[block * w + t] }
            if r0 + 1 < r1 {
                for i in (r0 + 1)..<r1 {
                    try load(i, &blockInput, i - r0)
                    try forward(i, &blockF, i - r0, i - r0 - 1, blockInput, i - r0)
                }
            }
            for i in Swift.stride(from: r1 - 1, through: r0, by: -1) {
                backward(i, &b, nextInput, nextB)
                let o = (i - r0) * w
                marginal(blockF, o, b, &out)
                deliver(i, out)
                swap(&b, &nextB)
                if i > r0 {
                    for t in 0..<w { nextInput[t] = blockInput[o + t] }
                } else if i > 0 {
                    try load(i, &nextInput, 0)
                }
            }
        }
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

    /// log(e^a + e^b), exact for −∞ operands.
    @inline(__always) static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }
}

/// Each frame's posterior marginal over the slots of its band (`SlotBand`): k × width probabilities, row-major;
/// every slot outside a frame's band has probability 0. Only the table-returning API builds one
/// (`PosteriorMedianEstimator.bandMarginals`); the estimators consume the rows as the sweep yields them.
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
