/// Errors an output file can raise: a path that would destroy something, or a write the system did not complete.
///
/// Every case names the file and says what is wrong in one line, so the CLI can print it as it is.
public enum OutputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The output path names an existing folder (never replaced, whatever the flags).
    case isFolder(String)
    /// The output exists and neither `-y` nor `-n` was given.
    case exists(String)
    /// The output exists and `-n` asked to keep it.
    case keptExisting(String)
    /// The output resolves (symlinks followed, file identity compared) to an input of the command.
    case isInput(output: String, input: String)
    /// The output resolves to another output of the same command.
    case isOtherOutput(output: String, other: String)
    /// The folder that should hold the output does not exist.
    case noFolder(output: String, folder: String)
    /// The device is full (ENOSPC or EDQUOT).
    case noSpace(String)
    /// The system accepted fewer bytes than were written and then refused the rest.
    case shortWrite(path: String, written: Int, expected: Int)
    /// Any other system error while creating, writing or moving the file.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .isFolder(p): "\(p) is a folder; an output must be a file (nothing was written)"
        case let .exists(p): "\(p) already exists; pass -y to overwrite it or -n to keep it"
        case let .keptExisting(p): "\(p) already exists; not overwriting it (-n)"
        case let .isInput(o, i): o == i ? "\(o) is an input of this command; choose another output"
            : "\(o) is the same file as the input \(i); choose another output"
        case let .isOtherOutput(o, other): o == other ? "\(o) is given twice as an output of this command"
            : "\(o) is the same file as the output \(other) of this command"
        case let .noFolder(o, f): "cannot write \(o): the folder \(f) does not exist"
        case let .noSpace(p): "cannot write \(p): no space left on the device"
        case let .shortWrite(p, w, e): "cannot write \(p): only \(w) of \(e) bytes were written"
        case let .io(p, r): "cannot write \(p): \(r)"
        }
    }
}
