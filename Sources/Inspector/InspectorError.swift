/// Errors the inspector throws.
public enum InspectorError: Error, CustomStringConvertible, Equatable {
    /// The terminal could not be opened (no tty, unknown TERM).
    case terminalUnavailable(String)
    /// A theme file could not be read or parsed.
    case invalidTheme(String)
    /// The data handed to the inspector is inconsistent (sizes, positions).
    case invalidSession(String)
    /// A clip could not be loaded or prepared for inspection.
    case loadFailed(String)
    /// libsixel refused to encode or decode an image.
    case sixelFailed(String)
    /// An option value is not one the inspector knows.
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .terminalUnavailable(s): "cannot open the terminal: \(s)"
        case let .invalidTheme(s): "invalid theme: \(s)"
        case let .invalidSession(s): "invalid inspector data: \(s)"
        case let .loadFailed(s): "cannot load the clip: \(s)"
        case let .sixelFailed(s): "sixel: \(s)"
        case let .invalidOption(s): "invalid option: \(s)"
        }
    }
}
