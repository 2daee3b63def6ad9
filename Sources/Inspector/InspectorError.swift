/// Errors the inspector throws.
public enum InspectorError: Error, CustomStringConvertible, Equatable {
    /// The terminal could not be opened (no tty, unknown TERM).
    case terminalUnavailable(String)
    /// A theme file could not be read or parsed.
    case invalidTheme(String)

    public var description: String {
        switch self {
        case let .terminalUnavailable(s): "cannot open the terminal: \(s)"
        case let .invalidTheme(s): "invalid theme: \(s)"
        }
    }
}
