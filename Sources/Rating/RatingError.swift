/// Errors of rating studies and their database.
public enum RatingError: Error, CustomStringConvertible, Equatable {
    /// A study file that cannot be read or makes no sense.
    case invalidStudy(path: String, reason: String)
    /// A database that is not dropfill's, or is damaged.
    case invalidDatabase(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidStudy(p, r): "invalid study \(p): \(r)"
        case let .invalidDatabase(p, r): "cannot use the ratings database \(p): \(r)"
        }
    }
}
