/// Errors the audio feature extraction throws.
public enum FeaturesError: Error, CustomStringConvertible, Equatable {
    /// The audio is too short for even one analysis window.
    case audioTooShort(samples: Int, needed: Int)
    /// A setting is out of its range.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case let .audioTooShort(s, n): "audio too short: \(s) samples, need at least \(n)"
        case let .invalidSetting(s): "invalid feature setting: \(s)"
        }
    }
}
