/// Errors the audio feature extraction throws.
public enum FeaturesError: Error, CustomStringConvertible, Equatable {
    /// The audio is too short for even one analysis window.
    case audioTooShort(samples: Int, needed: Int)
    /// A setting is out of its range.
    case invalidSetting(String)
    /// The audio holds a NaN or infinite sample.
    case nonFiniteSample(index: Int)
    /// The video frame rate is not a positive finite number.
    case invalidFrameRate(Double)

    public var description: String {
        switch self {
        case let .audioTooShort(s, n): "audio too short: \(s) samples, need at least \(n)"
        case let .invalidSetting(s): "invalid feature setting: \(s)"
        case let .nonFiniteSample(i): "audio sample \(i) is NaN or infinite"
        case let .invalidFrameRate(p): "frame rate \(p) must be a positive finite number"
        }
    }
}
