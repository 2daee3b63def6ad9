import Foundation

/// Progress of long work on stderr: one line redrawn in place on a terminal, a line every few seconds otherwise.
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrint = Date.distantPast
    private var width = 0
    private let lock = NSLock()

    /// Shows `message` (e.g. "12/40 clips · decoding x.mp4").
    func update(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if isTerminal {
            let line = "\r" + message + String(repeating: " ", count: max(0, width - message.count))
            width = message.count
            FileHandle.standardError.write(Data(line.utf8))
        } else if now.timeIntervalSince(lastPrint) > 5 {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            lastPrint = now
        }
    }

    /// Clears the line (on a terminal).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal && width > 0 { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8)) }
        width = 0
    }

    /// Prints a note on its own line.
    func note(_ message: String) {
        finish()
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
