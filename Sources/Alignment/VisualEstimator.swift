/// `visual`: places the survivors by the picture alone — the posterior median of every frame under the gap
/// likelihood of the change between consecutive survivors (`GapLikelihood`), first and last survivor pinned to the
/// first and last slot. Any distance matrix in the input is ignored; with fewer than three frames (no change to
/// read) it is the even spread of `uniform`.
public struct VisualEstimator: PositionEstimator {
    public var gapLikelihood: GapLikelihood

    public var name: String { "visual" }

    public init(gapLikelihood: GapLikelihood = .fitted) {
        self.gapLikelihood = gapLikelihood
    }

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        let k = input.frameCount, n = input.slotCount
        guard k >= 3 else {
            let positions = try UniformEstimator.positions(frames: k, slots: n)
            return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
        }
        guard let cue = input.visualChange else { throw .missingInput("visual needs the survivors' picture changes") }
        let posterior = PosteriorMedianEstimator(temperature: 1, gapLikelihood: gapLikelihood, pinEnds: true)
        var estimate = try posterior.estimate(AlignmentInput(frameCount: k, slotCount: n, visualChange: cue))
        estimate.estimator = name
        return estimate
    }
}
