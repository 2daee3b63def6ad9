/// Errors the aligners throw.
public enum AlignmentError: Error, CustomStringConvertible, Equatable {
    /// More surviving frames than slots to put them in.
    case moreFramesThanSlots(frames: Int, slots: Int)
    /// Timestamps are missing, non-increasing or inconsistent with the frame rate.
    case inconsistentTimestamps(String)

    public var description: String {
        switch self {
        case let .moreFramesThanSlots(k, n): "\(k) surviving frames do not fit in \(n) slots"
        case let .inconsistentTimestamps(s): "timestamps cannot be trusted: \(s)"
        }
    }
}
