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
            let reason: String
            if let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
                reason = String(cString: strerror(Int32(posix.code))).lowercased()
            } else if ns.domain == NSPOSIXErrorDomain {
                reason = String(cString: strerror(Int32(ns.code))).lowercased()
            } else {
                reason = ns.localizedFailureReason ?? ns.localizedDescription
            }
            text = path.map { "\($0): \(reason)" } ?? reason
        } else {
            text = String(describing: error)
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// Whether `error` is one of Foundation's (CocoaError, a POSIX or Cocoa NSError), whose description is a dump.
    public static func isFoundationError(_ error: any Error) -> Bool {
        if error is CocoaError || error is POSIXError { return true }
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }
}
