#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one way the project writes an output file (media, JSON, CSV, safetensors, PNG): claimed against the current
/// `OutputPlan`, written under a temporary name and renamed into place only when complete.
///
/// - An existing folder, an input of the command and another output of it are refused before a byte is written.
/// - A symlink stays a symlink: its target receives the new file. A device, pipe or socket (and any path under
///   /dev or /proc, such as /dev/stdout) is written through in place, never replaced by a regular file.
/// - Every write is checked: a full device is `OutputError.noSpace`, a write that stops short is `.shortWrite`.
/// - The temporary file is removed when writing fails, when the object is dropped uncommitted, and on
///   SIGINT/SIGTERM/SIGHUP or a crash (`TemporaryFiles`).
public final class OutputFile {
    /// The claimed target.
    public let target: OutputTarget
    /// Where the bytes are written until `commit()`: beside the target (hidden, `.NAME.partial.EXT`), or in the
    /// temporary folder when the target is written through.
    public let temporaryPath: String
    private var slot: Int?
    private var done = false

    /// Claims `path` in `plan` and prepares its temporary file name (the file itself is created by whoever writes
    /// it: `write(_:)` or an encoder). `inputs` are inputs of this write beyond the plan's own.
    public init(path: String, inputs: [String] = [], reclaimable: Bool = false, plan: OutputPlan = .current) throws(OutputError) {
        var t = try plan.claim(path, inputs: inputs, reclaimable: reclaimable)
        if Self.isSystemPath(path) { t.isSpecial = true }
        target = t
        let name = (t.resolved as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension
        let stem = (name as NSString).deletingPathExtension
        if t.isSpecial {
            let dir = NSTemporaryDirectory()
            temporaryPath = (dir as NSString).appendingPathComponent("dropfill-\(getpid())-\(Self.counter.next()).partial\(ext.isEmpty ? "" : "." + ext)")
        } else {
            let dir = ResolvedPath.folder(of: t.resolved)
            temporaryPath = (dir as NSString).appendingPathComponent(".\(stem).\(getpid())-\(Self.counter.next()).partial\(ext.isEmpty ? "" : "." + ext)")
        }
        slot = TemporaryFiles.register(temporaryPath)
    }

    deinit { if !done { discard() } }

    /// Writes `data` to `path` through a claimed output file (the one-call form for JSON, CSV, PNG, safetensors).
    public static func write(_ data: Data, to path: String, inputs: [String] = [], reclaimable: Bool = false,
                             plan: OutputPlan = .current) throws(OutputError) {
        let file = try OutputFile(path: path, inputs: inputs, reclaimable: reclaimable, plan: plan)
        try file.write(data)
    }

    /// Writes `data` as the whole file and commits it.
    public func write(_ data: Data) throws(OutputError) {
        if target.isSpecial {
            try Self.writeThrough(data, to: target.resolved, requested: target.requested)
            discard()
            return
        }
        do throws(OutputError) {
            let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw Self.error(errno, target.requested) }
            var closed = false
            defer { if !closed { close(fd) } }
            try Self.writeAll(fd, data, path: target.requested)
            guard fsync(fd) == 0 else { throw Self.error(errno, target.requested) }
            closed = true
            guard close(fd) == 0 else { throw Self.error(errno, target.requested) }
            try commit()
        } catch {
            discard()
            throw error
        }
    }

    /// Moves the finished temporary file into place (rename over a regular target, keeping its permissions;
    /// copied into a special one).
    public func commit() throws(OutputError) {
        guard !done else { return }
        defer { discard() }
        if target.isSpecial {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: temporaryPath)) } catch {
                throw .io(path: target.requested, reason: "the finished temporary file cannot be read back")
            }
            try Self.writeThrough(data, to: target.resolved, requested: target.requested)
            return
        }
        var existing = stat()
        if stat(target.resolved, &existing) == 0 { chmod(temporaryPath, existing.st_mode & 0o7777) }
        let fd = open(temporaryPath, O_RDONLY)
        if fd >= 0 {
            let synced = fsync(fd)
            let e = errno
            close(fd)
            if synced != 0 { throw Self.error(e, target.requested) }
        }
        guard rename(temporaryPath, target.resolved) == 0 else { throw Self.error(errno, target.requested) }
        done = true
    }

    /// Removes the temporary file (idempotent); the target is left as it was.
    public func discard() {
        if !done, FileIdentity.of(temporaryPath)?.kind != .folder { unlink(temporaryPath) }
        done = true
        TemporaryFiles.unregister(slot)
        slot = nil
    }

    // MARK: - Writing bytes

    /// Paths whose objects are the system's, not files the user owns (written in place).
    static func isSystemPath(_ path: String) -> Bool {
        let absolute = ResolvedPath.absolute(path)
        return absolute.hasPrefix("/dev/") || absolute.hasPrefix("/proc/")
    }

    static func writeThrough(_ data: Data, to resolved: String, requested: String) throws(OutputError) {
        let fd = open(resolved, O_WRONLY | O_NOCTTY)
        guard fd >= 0 else { throw error(errno, requested) }
        defer { close(fd) }
        try writeAll(fd, data, path: requested)
    }

    /// Writes every byte of `data` to `fd`, retrying interrupted and partial writes.
    public static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(OutputError) {
        let result: OutputError? = data.withUnsafeBytes { raw -> OutputError? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return error(errno, path)
                }
                if n == 0 { return .shortWrite(path: path, written: offset, expected: raw.count) }
                offset += n
            }
            return nil
        }
        if let result { throw result }
    }

    /// The output error for a failed system call.
    static func error(_ code: Int32, _ path: String) -> OutputError {
        switch code {
        case ENOSPC, EDQUOT: .noSpace(path)
        case EISDIR: .isFolder(path)
        default: .io(path: path, reason: String(cString: strerror(code)).lowercased())
        }
    }

    /// Distinct temporary names within the process.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
    static let counter = Counter()
}

/// `write(2)` (named apart from the methods called `write`).
@inline(__always)
func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #else
    Darwin.write(fd, bytes, count)
    #endif
}
