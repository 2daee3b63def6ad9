import Media

/// Errors about corpora, truth files and drop settings.
public enum CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A folder with no clips in it.
    case emptyCorpus(String)
    /// A setting is out of its range (e.g. a drop rate outside (0, 1)).
    case invalidSetting(String)
    /// A truth file that does not describe its video.
    case truthMismatch(String)
    /// The corpus folder (or clip) does not exist.
    case notFound(String)
    /// A manifest that cannot be read or lacks the `path` and `person` columns.
    case invalidManifest(path: String, reason: String)
    /// A file could not be read or written (truth files, manifests).
    case io(path: String, reason: String)
    /// The media layer failed (decode, encode, probe).
    case media(MediaError)

    public var description: String {
        switch self {
        case let .emptyCorpus(p): "no clips found in \(p)"
        case let .invalidSetting(s): s
        case let .truthMismatch(s): "truth file does not match its video: \(s)"
        case let .notFound(p): "no such file or folder: \(p)"
        case let .invalidManifest(p, r): "invalid manifest \(p): \(r)"
        case let .io(p, r): "\(p): \(r)"
        case let .media(e): e.description
        }
    }
}
