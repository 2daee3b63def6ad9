/// Errors the aligners throw.
public enum AlignmentError: Error, CustomStringConvertible, Equatable {
    /// More surviving frames than slots to put them in.
    case moreFramesThanSlots(frames: Int, slots: Int)
    /// Timestamps are missing, non-increasing or inconsistent with the frame rate.
    case inconsistentTimestamps(String)
    /// Timestamp `index` is not larger than the one before it.
    case nonIncreasingTimestamps(index: Int)
    /// Two surviving frames round to the same slot.
    case sharedSlot(first: Int, second: Int, slot: Int)
    /// A frame's timestamp puts it outside `0 ..< slots`.
    case slotOutOfRange(frame: Int, slot: Int, slots: Int)
    /// A distance matrix or embedding set with no rows or no columns.
    case emptyInput(String)
    /// A NaN or infinite value in a distance matrix, embedding or cue.
    case nonFiniteValue(String)
    /// Sizes that do not fit together (e.g. values count ≠ rows × columns).
    case shapeMismatch(String)
    /// An estimator was asked to run without the input it needs.
    case missingInput(String)
    /// A setting out of its range.
    case invalidSetting(String)
    /// A model file made for another architecture or settings than the one asked for (Ali-Net).
    case incompatibleModel(String)
    /// The audio ends before the video: slots cannot be laid out from it.
    case audioShorterThanVideo(audio: Double, video: Double)

    public var description: String {
        switch self {
        case let .moreFramesThanSlots(k, n): "\(k) surviving frames do not fit in \(n) slots"
        case let .inconsistentTimestamps(s): "timestamps cannot be trusted: \(s)"
        case let .nonIncreasingTimestamps(i): "timestamps cannot be trusted: frame \(i) is not later than frame \(i - 1)"
        case let .sharedSlot(a, b, s): "timestamps cannot be trusted: frames \(a) and \(b) both fall in slot \(s)"
        case let .slotOutOfRange(f, s, n): "timestamps cannot be trusted: frame \(f) falls in slot \(s), outside 0..<\(n)"
        case let .emptyInput(s): "empty input: \(s)"
        case let .nonFiniteValue(s): "NaN or infinite value: \(s)"
        case let .shapeMismatch(s): "shape mismatch: \(s)"
        case let .missingInput(s): "missing input: \(s)"
        case let .invalidSetting(s): "invalid alignment setting: \(s)"
        case let .incompatibleModel(s): "incompatible alignment model: \(s)"
        case let .audioShorterThanVideo(a, v):
            "the audio (\((a * 1000).rounded() / 1000) s) is shorter than the video (\((v * 1000).rounded() / 1000) s); slots come from the audio"
        }
    }
}
