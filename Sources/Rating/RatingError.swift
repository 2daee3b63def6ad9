/// Errors of rating studies, their stimuli, sessions and database.
public enum RatingError: Error, CustomStringConvertible, Equatable {
    /// A study file that cannot be read or makes no sense.
    case invalidStudy(path: String, reason: String)
    /// A database that is not dropfill's, or is damaged.
    case invalidDatabase(path: String, reason: String)
    /// A rater ID that cannot be used (empty, or only blanks).
    case invalidRater(String)
    /// A folder or file that cannot be created or written.
    case unwritable(path: String, reason: String)
    /// A stimulus could not be prepared (drop + restore) or loaded for playback.
    case stimulusFailed(stimulus: String, reason: String)
    /// The session cannot run as asked (no sound device and the study forbids silence, no terminal, …).
    case sessionUnavailable(String)
    /// The database holds no ratings for what a report asked.
    case noRatings(String)

    public var description: String {
        switch self {
        case let .invalidStudy(p, r): "invalid study \(p): \(r)"
        case let .invalidDatabase(p, r): "cannot use the ratings database \(p): \(r)"
        case let .invalidRater(r): "invalid rater ID: \(r)"
        case let .unwritable(p, r): "cannot write \(p): \(r)"
        case let .stimulusFailed(s, r): "cannot prepare stimulus \(s): \(r)"
        case let .sessionUnavailable(r): "cannot run the rating session: \(r)"
        case let .noRatings(r): "no ratings: \(r)"
        }
    }
}
