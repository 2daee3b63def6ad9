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

    /// Places the frames (the medians after the last EM step).
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
        let (energy, _) = try adapt(input)
        let positions = try posterior(input).medians(energy, visualChange: visualChange(input))
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// The energies after EM and the adapted cue.
    public func adapt(_ input: AlignmentInput) throws(AlignmentError) -> (DistanceMatrix, LipGeometryCue?) {
        var cue = geometry
        var energy = try energies(input, cue: cue)
        if var current = cue, current.presentCount >= 3, geometryWeight > 0 {
            for _ in 0..<max(0, iterations) {
                let p = try posterior(input).bandMarginals(energy, visualChange: visualChange(input))
                current = try current.adapted(marginals: p)
                energy = try energies(input, cue: current)
            }
            cue = current
        }
        return (energy, cue)
    }

    /// Each frame's marginal over the slots under the current (unadapted) terms.
    public func marginals(_ input: AlignmentInput) throws(AlignmentError) -> [[Double]] {
        try posterior(input).marginals(try energies(input, cue: geometry), visualChange: visualChange(input))
    }

    /// The band every table of this input is kept over: the distances' own, else the prior band of k frames in n
    /// slots (`SlotBand.prior`; full for short clips).
    public func band(_ input: AlignmentInput) -> SlotBand {
        input.distances?.band ?? SlotBand.prior(frames: input.frameCount, slots: input.slotCount)
    }

    /// E = α·D + β·N over the band (k × w; cells outside it are +∞).
    func energies(_ input: AlignmentInput, cue: LipGeometryCue?) throws(AlignmentError) -> DistanceMatrix {
        let k = input.frameCount, n = input.slotCount
        guard audioWeight.isFinite, audioWeight >= 0, geometryWeight.isFinite, geometryWeight >= 0 else {
            throw .invalidSetting("weights α \(audioWeight), β \(geometryWeight)")
        }
        let band = band(input)
        var e = [Float](repeating: 0, count: band.cellCount)
        if let d = input.distances, audioWeight > 0 {
            guard d.rows == k, d.columns == n else { throw .shapeMismatch("distances \(d.rows)×\(d.columns) for \(k)×\(n)") }
            for t in 0..<band.cellCount { e[t] += Float(audioWeight) * d.values[t] }
        }
        if let cue, geometryWeight > 0 {
            guard cue.observed.count == k else { throw .shapeMismatch("geometry of \(cue.observed.count) survivors for \(k) frames") }
            let c = try cue.costs(band: band)
            for t in 0..<band.cellCount { e[t] += Float(geometryWeight) * c.values[t] }
        }
        return try DistanceMatrix(band: band, values: e)
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
