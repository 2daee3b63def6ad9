/// Errors the restorers throw.
public enum RestorationError: Error, CustomStringConvertible, Equatable {
    /// Positions must be strictly increasing.
    case positionsNotIncreasing([Int])
    /// The two neighbour frames differ in size.
    case frameSizeMismatch(String)
    /// No restoration method has this name.
    case unknownMethod(name: String, known: [String])
    /// A model file is missing, unreadable, or of another architecture or size.
    case invalidModel(path: String, reason: String)
    /// Audio segments do not fit the model (wrong width, or fewer rows than slots).
    case audioMismatch(String)
    /// A setting is out of range (training hyper-parameters).
    case invalidSetting(String)
    /// A loss, weight or output turned NaN or infinite.
    case nonFinite(String)

    public var description: String {
        switch self {
        case let .positionsNotIncreasing(p): "positions are not strictly increasing: \(p.prefix(12))"
        case let .frameSizeMismatch(s): "frames differ in size: \(s)"
        case let .unknownMethod(name, known): "unknown restoration method '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .invalidModel(path, reason): path.isEmpty ? "invalid model: \(reason)" : "invalid model file \(path): \(reason)"
        case let .audioMismatch(s): "audio features do not fit the model: \(s)"
        case let .invalidSetting(s): s
        case let .nonFinite(s): "not a finite number: \(s)"
        }
    }
}
