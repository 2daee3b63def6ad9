/// Errors the metrics throw when their inputs cannot be compared.
public enum MetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The two images differ in size or channel count.
    case sizeMismatch(String)
    /// The image is too small for the metric (e.g. SSIM's 11×11 window, MS-SSIM's five scales).
    case tooSmall(String)
    /// An argument is malformed: a pixel count that does not match the size, an empty list, a bad channel count.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .sizeMismatch(s): "images differ in size: \(s)"
        case let .tooSmall(s): "image too small: \(s)"
        case let .invalidArgument(s): "invalid argument: \(s)"
        }
    }
}
