import Foundation

/// One line for any error a user can cause: what the CLI prints, never a raw `NSError` dump.
public enum ErrorText {
    /// The project's typed errors keep their own description; Foundation's file errors become "PATH: reason" from
    /// the underlying system error (errno), and anything else its localized description; newlines are folded.
    public static func oneLine(_ error: any Error) -> String {
        let text: String
        if isFoundationError(error) {
            let ns = error as NSError
            let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            text = path.map { "\($0): \(reason(error))" } ?? reason(error)
        } else {
            text = String(describing: error)
        }
        return folded(text)
    }

    /// What went wrong, without the path: for Foundation's file errors the system error (errno) or, when there is
    /// none, a short phrase for the common Cocoa codes (never "The file “x” couldn’t be opened…" sentences, which
    /// repeat the path); anything else its one-line description. For callers that name the file themselves.
    public static func reason(_ error: any Error) -> String {
        guard isFoundationError(error) else { return oneLine(error) }
        let ns = error as NSError
        if let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file is already there"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileReadCorruptFile: return "the file is corrupt"
        case .fileReadInapplicableStringEncoding: return "not text in the expected encoding"
        default: return folded(ns.localizedFailureReason ?? ns.localizedDescription)
        }
    }

    /// `text` on one line (newlines folded into spaces).
    static func folded(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// Whether `error` is one of Foundation's (CocoaError, a POSIX or Cocoa NSError), whose description is a dump.
    public static func isFoundationError(_ error: any Error) -> Bool {
        if error is CocoaError || error is POSIXError { return true }
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }
}
