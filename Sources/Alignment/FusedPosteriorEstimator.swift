import Foundation

/// The fused posterior (ours): Ali-Net's audio–mouth distances, the lip-geometry cue of the audio (`LipGeometryCue`)
/// and the visual-continuity gap likelihood (`GapLikelihood`) in one forward–backward over the monotone
/// placements, each frame at its posterior median slot, the speaker's geometry map adapted by EM.
///
/// Frame i in slot j has the energy E_ij = α·D_ij + β·N_ij (D from Eq. 8, N in nats from the cue), the transition
/// between frames i and i + 1 over a gap of g slots the weight w_i(g)^γ, and every placement the probability
/// ∝ Π exp(−E_{i,s_i}) · Π w_i(s_{i+1} − s_i)^γ, first and last frame pinned to the first and last slot. α, β and γ
/// are calibrated on the validation persons. EM: the marginals of that posterior re-estimate the cue's affine map
/// (`LipGeometryCue.adapted`), the energies are rebuilt, and the frames re-aligned, `iterations` times.
///
/// Any term may be missing (no Ali-Net distances, no geometry cue, no visual change): the posterior uses the
/// others; with none at all it is the prior's medians, the even spread.
///
/// ## Memory
/// `estimate` holds no k × w table besides the given distances D: the energies are computed row by row when the
/// streamed forward–backward (`PosteriorMedianEstimator.sweep`) asks for them (`FusedEnergyRows`: α·D_i plus β times
/// `LipGeometryCue.fillCosts`), and EM's M step keeps k × G × 3 sums instead of the marginals
/// (`LipGeometryCue.Moments`). The results are bit-identical to building the tables; `adapt`, `marginals` and
/// `energies` still build them for tests and viewers, from the same rows.
public struct FusedPosteriorEstimator: PositionEstimator {
    /// α: weight of Ali-Net's distances (nats per distance unit; 1/T of `posterior`).
    public var audioWeight: Double
    /// β: weight of the lip-geometry cost.
    public var geometryWeight: Double
    /// γ: power of the visual-continuity weights.
    public var visualWeight: Double
    /// The gap likelihood of the visual cue.
    public var gapLikelihood: GapLikelihood
    /// The lip-geometry cue of this clip (nil: none).
    public var geometry: LipGeometryCue?
    /// EM iterations (0: no adaptation).
    public var iterations: Int
    public var name: String

    public init(audioWeight: Double, geometryWeight: Double, visualWeight: Double = 1, gapLikelihood: GapLikelihood = .fitted,
                geometry: LipGeometryCue? = nil, iterations: Int = 3, name: String = "posterior-lips") {
        self.audioWeight = audioWeight
        self.geometryWeight = geometryWeight
        self.visualWeight = visualWeight
        self.gapLikelihood = gapLikelihood
        self.geometry = geometry
        self.iterations = iterations
        self.name = name
    }

    /// Places the frames (the medians after the last EM step), streaming every table (see "Memory").
    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        let k = input.frameCount, n = input.slotCount
        guard k > 0, n > 0 else { throw .emptyInput("\(k) frames, \(n) slots") }
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        let hasGeometry = geometryWeight > 0 && (geometry?.presentCount ?? 0) > 0
        let hasAudio = audioWeight > 0 && input.distances != nil
        let hasVisual = visualWeight > 0 && input.visualChange != nil
        guard k >= 3, hasGeometry || hasAudio || hasVisual else {
            let positions = try UniformEstimator.positions(frames: k, slots: n)
            return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
        }
        var rows = try energyRows(input, cue: try adaptedCue(input))
        let positions = try posterior(input).medians(rows: &rows, visualChange: visualChange(input))
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// The lip-geometry cue after EM: `iterations` M steps (`LipGeometryCue.adapted(moments:)`), each over the
    /// marginals of one streamed forward–backward under the previous step's energies; the cue itself when there is
    /// nothing to adapt (no cue, fewer than three survivors with a face, β = 0).
    public func adaptedCue(_ input: AlignmentInput) throws(AlignmentError) -> LipGeometryCue? {
        var rows = try energyRows(input, cue: geometry)
        guard var current = geometry, current.presentCount >= 3, geometryWeight > 0 else { return geometry }
        for _ in 0..<max(0, iterations) {
            let cue = current
            var sums = try cue.moments(band: rows.band)
            try posterior(input).sweep(&rows, visualChange: visualChange(input)) { i, p in
                cue.accumulate(row: i, marginal: p, at: 0, into: &sums)
            }
            current = try cue.adapted(moments: sums)
            rows = try energyRows(input, cue: current)
        }
        return current
    }

    /// The energies after EM (as a k × w table, for tests and viewers) and the adapted cue.
    public func adapt(_ input: AlignmentInput) throws(AlignmentError) -> (DistanceMatrix, LipGeometryCue?) {
        let cue = try adaptedCue(input)
        return (try energies(input, cue: cue), cue)
    }

    /// Each frame's marginal over the slots under the current (unadapted) terms.
    public func marginals(_ input: AlignmentInput) throws(AlignmentError) -> [[Double]] {
        let posterior = try posterior(input)
        var rows = try energyRows(input, cue: geometry)
        return try posterior.bandMarginals(rows: &rows, visualChange: visualChange(input)).dense()
    }

    /// The band every table of this input is kept over: the distances' own, else the prior band of k frames in n
    /// slots (`SlotBand.prior`; full for short clips).
    public func band(_ input: AlignmentInput) -> SlotBand {
        input.distances?.band ?? SlotBand.prior(frames: input.frameCount, slots: input.slotCount)
    }

    /// E = α·D + β·N over the band as a k × w table (cells outside it are +∞), from the rows of `energyRows`.
    func energies(_ input: AlignmentInput, cue: LipGeometryCue?) throws(AlignmentError) -> DistanceMatrix {
        var rows = try energyRows(input, cue: cue)
        let band = rows.band
        var e = [Float](repeating: 0, count: band.cellCount)
        for i in 0..<band.rows { try rows.fill(row: i, into: &e, at: i * band.width) }
        return try DistanceMatrix(band: band, values: e)
    }

    /// The rows of E = α·D + β·N under `cue`, checked once for shape and weights; each row is computed when asked.
    func energyRows(_ input: AlignmentInput, cue: LipGeometryCue?) throws(AlignmentError) -> FusedEnergyRows {
        let k = input.frameCount, n = input.slotCount
        guard audioWeight.isFinite, audioWeight >= 0, geometryWeight.isFinite, geometryWeight >= 0 else {
            throw .invalidSetting("weights α \(audioWeight), β \(geometryWeight)")
        }
        let band = band(input)
        guard band.rows > 0, band.columns > 0 else { throw .emptyInput("energies \(band.rows)×\(band.columns)") }
        var distances: DistanceMatrix?
        if let d = input.distances, audioWeight > 0 {
            guard d.rows == k, d.columns == n else { throw .shapeMismatch("distances \(d.rows)×\(d.columns) for \(k)×\(n)") }
            distances = d
        }
        var geometryCue: LipGeometryCue?
        if let cue, geometryWeight > 0 {
            guard cue.observed.count == k else { throw .shapeMismatch("geometry of \(cue.observed.count) survivors for \(k) frames") }
            guard cue.expected.count == band.columns * cue.dimension else {
                throw .shapeMismatch("\(cue.expected.count) expected values for \(band.columns) slots")
            }
            guard band.rows == k else { throw .shapeMismatch("a band of \(band.rows) rows for \(k) survivors") }
            geometryCue = cue
        }
        return FusedEnergyRows(band: band, distances: distances, audioWeight: Float(audioWeight), cue: geometryCue,
                               geometryWeight: Float(geometryWeight))
    }

    /// The visual change when it is used (γ > 0).
    func visualChange(_ input: AlignmentInput) -> [Float]? { visualWeight > 0 ? input.visualChange : nil }

    /// The forward–backward at temperature 1 over the energies; the gap likelihood to the power γ is the same
    /// likelihood with σ/√γ.
    func posterior(_ input: AlignmentInput) throws(AlignmentError) -> PosteriorMedianEstimator {
        guard visualWeight.isFinite, visualWeight >= 0 else { throw .invalidSetting("visual weight \(visualWeight)") }
        var gap = gapLikelihood
        if visualWeight > 0 { gap.sigma = gapLikelihood.sigma / visualWeight.squareRoot() }
        return PosteriorMedianEstimator(temperature: 1, gapLikelihood: visualWeight > 0 && input.visualChange != nil ? gap : nil,
                                        pinEnds: true)
    }
}

// MARK: - Energy rows

/// The fused energies E_i = α·D_i + β·N_i one row at a time (`BandRows`): row i of the distances plus row i of the
/// lip-geometry costs, added cell by cell in Float as the k × w table used to be (0, then + α·D, then + β·N).
struct FusedEnergyRows: BandRows {
    let band: SlotBand
    /// D, when α > 0.
    let distances: DistanceMatrix?
    /// α in Float.
    let audioWeight: Float
    /// The cue, when β > 0.
    let cue: LipGeometryCue?
    /// β in Float.
    let geometryWeight: Float
    /// One row of geometry costs.
    private var costs: [Float]

    init(band: SlotBand, distances: DistanceMatrix?, audioWeight: Float, cue: LipGeometryCue?, geometryWeight: Float) {
        self.band = band
        self.distances = distances
        self.audioWeight = audioWeight
        self.cue = cue
        self.geometryWeight = geometryWeight
        costs = cue == nil ? [] : [Float](repeating: 0, count: band.width)
    }

    /// Row i of E into `out[offset ..< offset + w]`; throws when a cell is not finite.
    mutating func fill(row i: Int, into out: inout [Float], at offset: Int) throws(AlignmentError) {
        let w = band.width
        for t in 0..<w { out[offset + t] = 0 }
        if let d = distances {
            let base = i * w
            for t in 0..<w { out[offset + t] += audioWeight * d.values[base + t] }
        }
        if let cue {
            try cue.fillCosts(row: i, band: band, into: &costs, at: 0)
            for t in 0..<w { out[offset + t] += geometryWeight * costs[t] }
        }
        for t in 0..<w where !out[offset + t].isFinite {
            throw .nonFiniteValue("energy (\(i), \(band.start[i] + t))")
        }
    }
}
