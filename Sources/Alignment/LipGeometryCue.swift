import Foundation

/// The lip-geometry cue of the fused posterior (ours): how well each surviving frame's mouth (landmark geometry)
/// fits the mouth the audio of each slot predicts.
///
/// Both sides are per-clip standardised: the survivors' geometry z_i (each of the G components shifted and scaled
/// over the survivors that have a face) and the model's expected geometry μ_j of slot j (`LipGeometryModel`
/// predicts standardised geometry). The speaker adaptation is an affine map per component with Gaussian noise,
///
///     z_ig = a_g · μ_{s_i g} + b_g + ε,   ε ~ N(0, σ_g²),
///
/// so frame i in slot j costs N_ij = Σ_g (z_ig − a_g μ_jg − b_g)² / (2σ_g²) nats. `adapted(marginals:)` is the M
/// step of EM: with the posterior P(s_i = j) from the forward–backward as weights, a, b and σ² are the weighted
/// least-squares line of z on μ and its residual variance. A survivor with no face found has no geometry and
/// costs 0 in every slot. The fused posterior asks for N one row at a time (`fillCosts(row:band:into:at:)`) and
/// gives the M step per-survivor sums (`Moments`) instead of a table of marginals; `costs` and
/// `adapted(marginals:)` build on the same row functions.
public struct LipGeometryCue: Sendable, Equatable {
    /// G: components per geometry vector.
    public let dimension: Int
    /// n × G expected (standardised) geometry of every slot.
    public let expected: [Float]
    /// Standardised geometry of each of the k survivors (nil: no face found).
    public let observed: [[Float]?]
    /// a_g.
    public var scale: [Double]
    /// b_g.
    public var offset: [Double]
    /// σ_g².
    public var variance: [Double]

    /// Smallest σ² the adaptation may reach (standardised units): keeps one clip's fit from becoming certain.
    public static let varianceFloor = 0.05

    /// The cue from raw survivor geometry (`observed[i]` nil or G values) and the model's `expected` geometry of
    /// `slotCount` slots; the observed geometry is standardised over the survivors that have one. Starts at a = 1,
    /// b = 0 and σ² = `initialVariance`.
    ///
    /// `whitening` (G × G, row-major, or nil) is applied to both sides after standardising: with T the inverse of
    /// the Cholesky factor of the model's residual covariance Σ = L·Lᵀ (T = L⁻¹), the components of T·(z − μ) are
    /// uncorrelated, so the per-component costs add up to the Mahalanobis distance instead of counting the shared
    /// evidence of correlated components (the apertures and the jaw) several times.
    public init(observed raw: [[Float]?], expected: [Float], slotCount n: Int, dimension g: Int,
                initialVariance: Double = 1, whitening: [Float]? = nil) throws(AlignmentError) {
        guard g > 0, expected.count == n * g else { throw .shapeMismatch("\(expected.count) expected values for \(n) slots of \(g)") }
        guard raw.allSatisfy({ $0 == nil || $0?.count == g }) else { throw .shapeMismatch("a survivor's geometry is not \(g) values") }
        guard expected.allSatisfy(\.isFinite), raw.allSatisfy({ $0?.allSatisfy(\.isFinite) ?? true }) else {
            throw .nonFiniteValue("lip geometry")
        }
        guard initialVariance.isFinite, initialVariance > 0 else { throw .invalidSetting("initial variance \(initialVariance)") }
        if let whitening {
            guard whitening.count == g * g, whitening.allSatisfy(\.isFinite) else {
                throw .shapeMismatch("a whitening of \(whitening.count) values for geometry of \(g)")
            }
        }
        dimension = g
        self.expected = whitening.map { Self.transformed(expected, by: $0, dimension: g) } ?? expected
        let standardised = Self.standardised(raw, dimension: g)
        observed = whitening.map { t in standardised.map { $0.map { Self.transformed($0, by: t, dimension: g) } } } ?? standardised
        scale = [Double](repeating: 1, count: g)
        offset = [Double](repeating: 0, count: g)
        variance = [Double](repeating: initialVariance, count: g)
    }

    /// Every G-vector of the concatenated `rows` multiplied by the G × G matrix `t` (row-major).
    static func transformed(_ rows: [Float], by t: [Float], dimension g: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count)
        for r in 0..<(rows.count / g) {
            for a in 0..<g {
                var s: Float = 0
                for b in 0..<g { s += t[a * g + b] * rows[r * g + b] }
                out[r * g + a] = s
            }
        }
        return out
    }

    /// Every component of the geometry vectors present in `raw` shifted to mean 0 and scaled to variance 1 over
    /// them (a component with no spread becomes 0); nil entries stay nil.
    public static func standardised(_ raw: [[Float]?], dimension g: Int) -> [[Float]?] {
        let present = raw.compactMap { $0 }.filter { $0.count == g }
        var mean = [Double](repeating: 0, count: g), sd = [Double](repeating: 1, count: g)
        if !present.isEmpty {
            for c in 0..<g {
                let m = present.reduce(0.0) { $0 + Double($1[c]) } / Double(present.count)
                let v = present.reduce(0.0) { $0 + (Double($1[c]) - m) * (Double($1[c]) - m) } / Double(present.count)
                mean[c] = m
                sd[c] = v > 1e-12 ? v.squareRoot() : 0
            }
        }
        return raw.map { r in
            guard let r, r.count == g else { return nil }
            return (0..<g).map { c in sd[c] > 0 ? Float((Double(r[c]) - mean[c]) / sd[c]) : 0 }
        }
    }

    /// Survivors with a geometry.
    public var presentCount: Int { observed.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// N (k × n, nats) under the current adaptation.
    public func costs(slotCount n: Int) throws(AlignmentError) -> DistanceMatrix {
        try costs(band: .full(rows: observed.count, columns: n))
    }

    /// N over the cells of `band` (k × w, nats; +∞ outside it) under the current adaptation: every row from
    /// `fillCosts(row:band:into:at:)` (the fused posterior asks for the rows one at a time instead).
    public func costs(band: SlotBand) throws(AlignmentError) -> DistanceMatrix {
        let k = observed.count, n = band.columns
        guard expected.count == n * dimension else { throw .shapeMismatch("\(expected.count) expected values for \(n) slots") }
        guard band.rows == k else { throw .shapeMismatch("a band of \(band.rows) rows for \(k) survivors") }
        var out = [Float](repeating: 0, count: band.cellCount)
        for i in 0..<k { try fillCosts(row: i, band: band, into: &out, at: i * band.width) }
        return try DistanceMatrix(band: band, values: out)
    }

    /// Row i of N over `band` (its `band.width` cells, slot `band.start[i]` first, nats) under the current
    /// adaptation, written to `out[base ..< base + band.width]`; a survivor with no geometry costs 0 everywhere.
    public func fillCosts(row i: Int, band: SlotBand, into out: inout [Float], at base: Int = 0) throws(AlignmentError) {
        let g = dimension, w = band.width
        guard expected.count == band.columns * g else { throw .shapeMismatch("\(expected.count) expected values for \(band.columns) slots") }
        guard band.rows == observed.count, i >= 0, i < band.rows else {
            throw .shapeMismatch("row \(i) of a band of \(band.rows) rows for \(observed.count) survivors")
        }
        guard base >= 0, base + w <= out.count else { throw .shapeMismatch("\(out.count) cells for a row of \(w) at \(base)") }
        guard let z = observed[i] else {
            for t in 0..<w { out[base + t] = 0 }
            return
        }
        let inv = variance.map { 1 / (2 * $0) }
        let lo = band.start[i]
        for j in band.range(i) {
            var s = 0.0
            for c in 0..<g {
                let r = Double(z[c]) - scale[c] * Double(expected[j * g + c]) - offset[c]
                s += r * r * inv[c]
            }
            out[base + j - lo] = Float(s)
        }
    }

    // MARK: - EM's M step

    /// The M step: a, b and σ² re-estimated from the posterior marginals (k rows of n probabilities). a is kept in
    /// [0, 3] (the mouth opens when the audio says it opens) and σ² at or above `varianceFloor`.
    public func adapted(marginals p: [[Double]]) throws(AlignmentError) -> LipGeometryCue {
        let n = expected.count / max(dimension, 1)
        guard p.count == observed.count, p.allSatisfy({ $0.count == n }) else {
            throw .shapeMismatch("\(p.count) marginal rows for \(observed.count) survivors")
        }
        return try adapted(marginals: BandMarginals(band: .full(rows: p.count, columns: n), values: p.flatMap { $0 }))
    }

    /// The M step over banded marginals (`PosteriorMedianEstimator.bandMarginals`): slots outside a frame's band have
    /// weight 0. The same sums as the streamed EM of `FusedPosteriorEstimator` (`Moments`), row by row.
    public func adapted(marginals p: BandMarginals) throws(AlignmentError) -> LipGeometryCue {
        var sums = try moments(band: p.band)
        for i in 0..<p.band.rows { accumulate(row: i, marginal: p.values, at: i * p.band.width, into: &sums) }
        return try adapted(moments: sums)
    }

    /// The M step's per-survivor sums: for survivor i and component c the posterior mass Σ_j p_ij, Σ_j p_ij·μ_jc
    /// and Σ_j p_ij·μ_jc² (k × G × 3 numbers), filled row by row as the forward–backward delivers the marginals in
    /// any order, then summed over the survivors in ascending order by `adapted(moments:)` — the order of the
    /// table-wide sums, so the result is the same to the bit.
    struct Moments {
        /// The band the marginal rows are kept over.
        let band: SlotBand
        /// `3 · (i · G + c)`: Σp, Σpμ, Σpμ² of survivor i, component c.
        var sums: [Double]
    }

    /// Empty sums for marginals over `band` (k rows of this cue's n slots).
    func moments(band: SlotBand) throws(AlignmentError) -> Moments {
        let n = expected.count / max(dimension, 1)
        guard band.rows == observed.count, band.columns == n else {
            throw .shapeMismatch("\(band.rows) × \(band.columns) marginals for \(observed.count) survivors of \(n) slots")
        }
        return Moments(band: band, sums: [Double](repeating: 0, count: band.rows * dimension * 3))
    }

    /// Adds survivor i's marginal row (`p[offset ..< offset + band.width]`, slot `band.start[i]` first) to its sums;
    /// a survivor with no geometry keeps none. Slots with probability 0 are skipped.
    func accumulate(row i: Int, marginal p: [Double], at offset: Int, into m: inout Moments) {
        guard observed[i] != nil else { return }
        let g = dimension, lo = m.band.start[i]
        for c in 0..<g {
            var em = 0.0, emm = 0.0, w = 0.0
            for j in m.band.range(i) {
                let pij = p[offset + j - lo]
                guard pij > 0 else { continue }
                let mu = Double(expected[j * g + c])
                w += pij; em += pij * mu; emm += pij * mu * mu
            }
            let o = 3 * (i * g + c)
            m.sums[o] = w
            m.sums[o + 1] = em
            m.sums[o + 2] = emm
        }
    }

    /// The M step from the per-survivor sums: the weighted least-squares line of z on μ per component and its
    /// residual variance (a in [0, 3], σ² ≥ `varianceFloor`).
    func adapted(moments m: Moments) throws(AlignmentError) -> LipGeometryCue {
        let g = dimension
        guard m.band.rows == observed.count, m.sums.count == observed.count * g * 3 else {
            throw .shapeMismatch("M-step sums of \(m.band.rows) survivors for \(observed.count)")
        }
        var next = self
        for c in 0..<g {
            // Weighted sums over (i, j) with weight p_ij: Σw, Σwμ, Σwμ², Σwz, Σwzμ, Σwz².
            var sw = 0.0, sm = 0.0, smm = 0.0, sz = 0.0, szm = 0.0, szz = 0.0
            for (i, z) in observed.enumerated() {
                guard let z else { continue }
                let zi = Double(z[c])
                let o = 3 * (i * g + c)
                let w = m.sums[o], em = m.sums[o + 1], emm = m.sums[o + 2]
                sw += w; sm += em; smm += emm; sz += w * zi; szm += zi * em; szz += w * zi * zi
            }
            guard sw > 0 else { continue }
            let varMu = smm / sw - (sm / sw) * (sm / sw)
            var a = varMu > 1e-9 ? (szm / sw - (sz / sw) * (sm / sw)) / varMu : 0
            a = min(max(a, 0), 3)
            let b = (sz - a * sm) / sw
            // Σw (z − aμ − b)² expanded.
            let rss = szz - 2 * a * szm - 2 * b * sz + a * a * smm + 2 * a * b * sm + b * b * sw
            next.scale[c] = a
            next.offset[c] = b
            next.variance[c] = max(Self.varianceFloor, rss / sw)
        }
        return next
    }
}
