import Foundation
import Tensor

/// One-line notices on standard error, each text at most once per process.
///
/// For fallbacks a user should hear about once, however often the code path runs (a missing model part, a split
/// file that is not found).
public enum Notice {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var said: Set<String> = []

    /// Prints `line` unless this exact text was printed before.
    public static func once(_ line: String) {
        lock.lock()
        let new = said.insert(line).inserted
        lock.unlock()
        if new { Progress.log(line) }
    }
}
