/// Spreads the k surviving frames evenly over the n slots, ignoring content: s_i = round(i·(n−1)/(k−1)),
/// so the first frame is in slot 0 and the last in slot n−1 (k = 1 gives slot 0). Strictly increasing
/// whenever k ≤ n, because the step (n−1)/(k−1) is at least 1.
public struct UniformEstimator: PositionEstimator {
    public var name: String { EstimatorKind.uniform.rawValue }

    public init() {}

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        let positions = try Self.positions(frames: input.frameCount, slots: input.slotCount)
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// The even spread of `frames` over `slots`.
    public static func positions(frames k: Int, slots n: Int) throws(AlignmentError) -> [Int] {
        guard k > 0, n > 0 else { throw .emptyInput("\(k) frames, \(n) slots") }
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        guard k > 1 else { return [0] }
        let step = Double(n - 1) / Double(k - 1)
        return (0..<k).map { Int((Double($0) * step).rounded(.toNearestOrAwayFromZero)) }
    }
}
