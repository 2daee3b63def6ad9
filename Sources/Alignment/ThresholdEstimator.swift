/// The paper's Ali-Net_threshold baseline (Sec. IV-B, Fig. 7(a), Table III): every frame on its own, matched to
/// a slot whose distance is below β, ignoring the order of the frames.
///
/// Rule (the paper's "D_ij < β implies matched"): among the slots with D_ij < β, frame i takes the one of
/// smallest distance (`.nearestBelow`, default; earliest on ties) or the first one (`.firstBelow`). When no slot
/// is below β the raw placement is `nil` — the paper's "None". The answer may be out of order or put two frames
/// in one slot; it is reported as is.
///
/// Fallback for `positions` (what Ali_b is computed on): an unplaced frame takes the slot of its row's minimum
/// distance, i.e. the threshold is ignored for that frame only.
public struct ThresholdEstimator: PositionEstimator {
    /// Which slot below β a frame takes.
    public enum Rule: String, Sendable, Codable {
        case nearestBelow
        case firstBelow
    }

    /// β, in the distance matrix's units.
    public var beta: Float
    public var rule: Rule

    public var name: String { EstimatorKind.threshold.rawValue }

    public init(beta: Float, rule: Rule = .nearestBelow) {
        self.beta = beta
        self.rule = rule
    }

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard let d = input.distances else { throw .missingInput("threshold needs a distance matrix") }
        guard beta.isFinite else { throw .invalidSetting("threshold β \(beta) is not finite") }
        var placements: [Int?] = []
        var positions: [Int] = []
        for i in 0..<d.rows {
            var chosen: Int? = nil
            var argmin = 0
            for j in 0..<d.columns {
                let v = d[i, j]
                if v < d[i, argmin] { argmin = j }
                if v < beta {
                    switch rule {
                    case .firstBelow: if chosen == nil { chosen = j }
                    case .nearestBelow: if chosen.map({ v < d[i, $0] }) ?? true { chosen = j }
                    }
                }
            }
            placements.append(chosen)
            positions.append(chosen ?? argmin)
        }
        return PositionEstimate(estimator: name, placements: placements, positions: positions)
    }
}
