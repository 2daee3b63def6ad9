import Foundation

/// Progress of long work on stderr: one line redrawn in place on a terminal, a line every few seconds otherwise.
///
/// A message that counts frames ("restoring: 25/75 frames written") gets the rate since the count began and
/// the time left appended: "… · 12.3 frames/s · ETA 0:04".
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrint = Date.distantPast
    private var width = 0
    private let lock = NSLock()
    /// When and at which count the current frame count started (reset when its total changes).
    private var counting: (start: Date, first: Int, total: Int)?
    private let clock: () -> Date

    init(clock: @escaping () -> Date = Date.init) {
        self.clock = clock
    }

    /// Shows `message` (e.g. "12/40 clips · decoding x.mp4").
    func update(_ message: String) {
        let line = withRate(message)
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        if isTerminal {
            let text = "\r" + line + String(repeating: " ", count: max(0, width - line.count))
            width = line.count
            FileHandle.standardError.write(Data(text.utf8))
        } else if now.timeIntervalSince(lastPrint) > 5 {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            lastPrint = now
        }
    }

    /// `message` with frames/s and ETA when it contains "D/T frames"; unchanged otherwise.
    func withRate(_ message: String) -> String {
        guard let (done, total) = Self.frameCount(in: message), total > 0 else { return message }
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        if counting == nil || counting?.total != total || done < (counting?.first ?? 0) { counting = (now, done, total) }
        guard let c = counting else { return message }
        let seconds = now.timeIntervalSince(c.start), frames = done - c.first
        guard seconds > 0.2, frames > 0 else { return message }
        let rate = Double(frames) / seconds
        let left = Double(total - done) / rate
        return message + String(format: " · %.1f frames/s · ETA %@", rate, Self.clockTime(left))
    }

    /// The first "D/T frames" in `message`.
    static func frameCount(in message: String) -> (Int, Int)? {
        let words = message.split(separator: " ")
        for (i, w) in words.enumerated() where i + 1 < words.count && words[i + 1].hasPrefix("frames") {
            let parts = w.split(separator: "/")
            if parts.count == 2, let d = Int(parts[0]), let t = Int(parts[1]), d <= t { return (d, t) }
        }
        return nil
    }

    /// "m:ss" (or "h:mm:ss").
    static func clockTime(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "—" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }

    /// Clears the line (on a terminal).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal && width > 0 { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8)) }
        width = 0
        counting = nil
    }

    /// Prints a note on its own line.
    func note(_ message: String) {
        finish()
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
