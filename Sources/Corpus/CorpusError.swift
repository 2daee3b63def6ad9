/// Errors about corpora, truth files and drop settings.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    /// A folder with no clips in it.
    case emptyCorpus(String)
    /// A setting is out of its range (e.g. a drop rate outside (0, 1)).
    case invalidSetting(String)
    /// A truth file that does not describe its video.
    case truthMismatch(String)

    public var description: String {
        switch self {
        case let .emptyCorpus(p): "no clips found in \(p)"
        case let .invalidSetting(s): s
        case let .truthMismatch(s): "truth file does not match its video: \(s)"
        }
    }
}
