#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The registry of temporary files being written, removed when the process is interrupted (SIGINT, SIGTERM,
/// SIGHUP) or crashes (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE), so no `.partial` file outlives its run.
///
/// The signal handler only calls `unlink` (async-signal-safe) over a fixed table of C strings, then restores the
/// default action and re-raises the signal, so the process still ends the way the signal asks. Registration takes
/// a lock; the handler reads the table without one (a slot is published only after its string is complete).
public enum TemporaryFiles {
    /// Signals after which the registered files are removed.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]
    /// Files that can be live at once (a process writes a handful).
    static let capacity = 256

    nonisolated(unsafe) static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let t = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        t.initialize(repeating: nil, count: capacity)
        return t
    }()
    static let lock = NSLock()
    nonisolated(unsafe) static var installed = false

    /// Registers `path` for removal on a signal; returns its slot for `unregister` (nil when the table is full, in
    /// which case the file is still removed on failure, just not on a signal).
    @discardableResult
    public static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if !installed { installHandlersLocked() }
        for i in 0..<capacity where table[i] == nil {
            table[i] = strdup(path)
            return i
        }
        return nil
    }

    /// Forgets the file in `slot` (it was renamed into place or removed).
    public static func unregister(_ slot: Int?) {
        guard let slot, slot >= 0, slot < capacity else { return }
        lock.lock()
        defer { lock.unlock() }
        let p = table[slot]
        table[slot] = nil
        free(p)
    }

    /// Paths registered now (for tests and diagnostics).
    public static var live: [String] {
        lock.lock()
        defer { lock.unlock() }
        return (0..<capacity).compactMap { table[$0].map { String(cString: $0) } }
    }

    /// Removes every registered file now. Async-signal-safe: other signal handlers (the terminal guard) call it.
    public static func removeAllNow() {
        removeNow(slots: 0..<capacity)
    }

    /// Removes the registered files in `slots` now (async-signal-safe). Tests sweep their own slot with it: a sweep
    /// of every slot in a test process would also unlink the files other tests are writing at the same time.
    static func removeNow(slots: Range<Int>) {
        for i in slots where i >= 0 && i < capacity { if let p = table[i] { unlink(p) } }
    }

    /// Installs the handlers now and unblocks their signals for this thread and every thread it starts later: a
    /// process started with those signals blocked (Foundation's `Process` passes its parent's mask on) would
    /// otherwise never run the handler. The CLI calls this first thing.
    public static func prepareProcess() {
        lock.lock()
        defer { lock.unlock() }
        installHandlersLocked()
    }

    /// Puts this registry's handlers back after another component replaced them (and restored the defaults).
    public static func reinstallHandlers() {
        lock.lock()
        defer { lock.unlock() }
        if installed { installHandlersLocked() }
    }

    private static func installHandlersLocked() {
        installed = true
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for s in signals {
            var previous = sigaction()
            sigaction(s, nil, &previous)
            // Leave an ignored signal ignored (SIGHUP under nohup).
            if let h = previous.__sigaction_handler.sa_handler, unsafeBitCast(h, to: Int.self) == 1 /* SIG_IGN */ { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                TemporaryFiles.removeAllNow()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(s, &action, nil)
        }
    }
}
