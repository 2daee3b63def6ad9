/// Positions from the surviving frames' own timestamps: s_i = round((t_i − t₀)·fps), t₀ = the time of slot 0.
///
/// Refuses (typed errors) timestamps that cannot be trusted: NaN/∞, not strictly increasing, two frames
/// rounding to one slot, or a slot outside 0 ..< n. With `maxJitter` set, also refuses a frame whose
/// `(t − t₀)·fps` lies more than `maxJitter` slots from an integer (a variable frame rate or a wrong fps).
public struct TimestampEstimator: PositionEstimator {
    /// Largest tolerated distance (in slots) between `(t − t₀)·fps` and its nearest integer; nil = no check.
    public var maxJitter: Double?

    public var name: String { EstimatorKind.timestamps.rawValue }

    public init(maxJitter: Double? = nil) {
        self.maxJitter = maxJitter
    }

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard let ts = input.timestamps else { throw .missingInput("timestamps needs frame timestamps") }
        guard let fps = input.fps else { throw .missingInput("timestamps needs the frame rate") }
        let positions = try positions(timestamps: ts, fps: fps, startTime: input.startTime, slots: input.slotCount)
        return PositionEstimate(estimator: name, placements: positions.map { $0 }, positions: positions)
    }

    /// The slots of `timestamps` at `fps`, with slot 0 at `startTime`, checked against `slots`.
    public func positions(timestamps ts: [Double], fps: Double, startTime: Double,
                          slots n: Int) throws(AlignmentError) -> [Int] {
        guard fps.isFinite, fps > 0 else { throw .invalidSetting("frame rate \(fps)") }
        guard startTime.isFinite else { throw .nonFiniteValue("start time") }
        guard !ts.isEmpty, n > 0 else { throw .emptyInput("\(ts.count) timestamps, \(n) slots") }
        guard ts.count <= n else { throw .moreFramesThanSlots(frames: ts.count, slots: n) }
        var out: [Int] = []
        out.reserveCapacity(ts.count)
        for (i, t) in ts.enumerated() {
            guard t.isFinite else { throw .nonFiniteValue("timestamp of frame \(i)") }
            if i > 0, t <= ts[i - 1] { throw .nonIncreasingTimestamps(index: i) }
            let exact = (t - startTime) * fps
            let slot = Int(exact.rounded(.toNearestOrAwayFromZero))
            if let maxJitter, abs(exact - Double(slot)) > maxJitter {
                throw .inconsistentTimestamps(
                    "frame \(i) at \(t) s is \(abs(exact - Double(slot))) slots off the \(fps) fps grid")
            }
            guard slot >= 0, slot < n else { throw .slotOutOfRange(frame: i, slot: slot, slots: n) }
            if let last = out.last, slot == last { throw .sharedSlot(first: i - 1, second: i, slot: slot) }
            out.append(slot)
        }
        return out
    }
}
