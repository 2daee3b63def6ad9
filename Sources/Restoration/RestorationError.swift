/// Errors the restorers throw.
public enum RestorationError: Error, CustomStringConvertible, Equatable {
    /// Positions must be strictly increasing.
    case positionsNotIncreasing([Int])
    /// The two neighbour frames differ in size.
    case frameSizeMismatch(String)

    public var description: String {
        switch self {
        case let .positionsNotIncreasing(p): "positions are not strictly increasing: \(p.prefix(12))"
        case let .frameSizeMismatch(s): "frames differ in size: \(s)"
        }
    }
}
