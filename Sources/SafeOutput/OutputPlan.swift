import Foundation

/// What to do when an output file already exists: FFmpeg's habit.
public enum ExistingFilePolicy: String, Sendable, CaseIterable {
    /// Neither flag: refuse with a one-line error that names both flags.
    case refuse
    /// `-y`: overwrite the file (atomically: the new file is renamed over it).
    case overwrite
    /// `-n`: keep the file and stop.
    case keep
}

/// The outputs of one command: its inputs, what it has written so far and what it may do to existing files.
///
/// Every writer asks the current plan (`OutputPlan.current`) to `claim` its path before writing a byte. A claim
/// refuses an existing folder, any path that resolves to an input of the command or to another of its outputs
/// (symlinks followed, then device and inode compared), and an existing file unless the policy is `overwrite`.
/// The CLI adopts a strict plan per command (`adoptForProcess`); library callers that adopt none get
/// `OutputPlan.library`, which overwrites existing files (a caller that wants more scopes a plan with
/// `OutputPlan.$scoped.withValue`) but still never replaces a folder or writes over a special file.
public final class OutputPlan: @unchecked Sendable {
    public let existing: ExistingFilePolicy
    /// Whether two claims of one file conflict (off for the library plan, which serves unrelated callers).
    public let tracksOutputs: Bool
    private let lock = NSLock()
    private var inputs: [(path: String, identity: FileIdentity)] = []
    private var outputs: [(path: String, target: String, reclaimable: Bool)] = []

    public init(existing: ExistingFilePolicy = .refuse, inputs: [String] = [], tracksOutputs: Bool = true) {
        self.existing = existing
        self.tracksOutputs = tracksOutputs
        for i in inputs { addInput(i) }
    }

    // MARK: - The current plan

    /// The permissive plan of library callers: existing files are overwritten, claims are not tracked.
    public static let library = OutputPlan(existing: .overwrite, tracksOutputs: false)
    /// A plan for this task and the tasks it starts (tests, the stimulus cache).
    @TaskLocal public static var scoped: OutputPlan?
    nonisolated(unsafe) private static var process: OutputPlan?
    private static let processLock = NSLock()

    /// The plan writers consult: the scoped one, else the one the process adopted, else `library`.
    public static var current: OutputPlan {
        if let scoped { return scoped }
        processLock.lock()
        defer { processLock.unlock() }
        return process ?? library
    }

    /// Makes `plan` the plan of every writer of this process outside a scoped one (the CLI, once per command).
    public static func adoptForProcess(_ plan: OutputPlan) {
        processLock.lock()
        defer { processLock.unlock() }
        process = plan
    }

    // MARK: - Inputs

    /// Records an input of the command (missing paths are ignored: reading them fails on its own).
    public func addInput(_ path: String) {
        guard let (identity, _) = FileIdentity.of(path) else { return }
        lock.lock()
        defer { lock.unlock() }
        inputs.append((path, identity))
    }

    /// Records that the command resumed from `path` (a checkpoint it will keep rewriting): later reclaimable
    /// claims of it are allowed whatever the existing-file policy.
    public func adoptExisting(_ path: String) {
        let target = ResolvedPath.target(of: path)
        lock.lock()
        defer { lock.unlock() }
        if !outputs.contains(where: { $0.target == target }) { outputs.append((path, target, true)) }
    }

    // MARK: - Claims

    /// Checks `path` without claiming it (to refuse a bad output before any work): the checks of `claim`.
    public func preflight(_ path: String, inputs extra: [String] = [], reclaimable: Bool = false) throws(OutputError) {
        _ = try check(path, inputs: extra, reclaimable: reclaimable)
    }

    /// Claims `path` for writing and says where the bytes must go. `inputs` are inputs of this write beyond the
    /// plan's own (a pipeline's source). A `reclaimable` output (a checkpoint, a cache file) may be claimed again
    /// and rewritten by the same command.
    public func claim(_ path: String, inputs extra: [String] = [], reclaimable: Bool = false) throws(OutputError) -> OutputTarget {
        let target = try check(path, inputs: extra, reclaimable: reclaimable)
        if tracksOutputs {
            lock.lock()
            if !outputs.contains(where: { $0.target == target.resolved && $0.reclaimable && reclaimable }) {
                outputs.append((path, target.resolved, reclaimable))
            }
            lock.unlock()
        }
        return target
    }

    /// Checks, before any work, that `outputs` (nil entries skipped) are acceptable outputs that land on distinct
    /// files, none of them one of `inputs`: what a command does first so that a bad path fails in a second, not
    /// after an hour of work.
    public func preflight(outputs: [String?], inputs extra: [String] = []) throws(OutputError) {
        var seen: [(path: String, target: String)] = []
        for case let path? in outputs {
            try preflight(path, inputs: extra)
            let target = ResolvedPath.target(of: path)
            if let other = seen.first(where: { $0.target == target }) { throw .isOtherOutput(output: path, other: other.path) }
            seen.append((path, target))
        }
    }

    private func check(_ path: String, inputs extra: [String], reclaimable: Bool) throws(OutputError) -> OutputTarget {
        guard !path.isEmpty else { throw .io(path: path, reason: "the path is empty") }
        let resolved = ResolvedPath.target(of: path)
        let found = FileIdentity.of(resolved)
        if found?.kind == .folder || path.hasSuffix("/") { throw .isFolder(path) }
        let folder = ResolvedPath.folder(of: resolved)
        guard FileIdentity.of(folder)?.kind == .folder else { throw .noFolder(output: path, folder: ResolvedPath.folder(of: path)) }
        lock.lock()
        let known = inputs, claimed = outputs
        lock.unlock()
        if let (identity, _) = found {
            for i in known where i.identity == identity { throw .isInput(output: path, input: i.path) }
            for p in extra where FileIdentity.of(p)?.identity == identity { throw .isInput(output: path, input: p) }
        }
        var rewriting = false
        if tracksOutputs, let other = claimed.first(where: { $0.target == resolved }) {
            guard other.reclaimable && reclaimable else { throw .isOtherOutput(output: path, other: other.path) }
            rewriting = true
        }
        let special = found?.kind == .special
        // Writing into a device or a pipe destroys nothing, so only regular files need -y.
        if found?.kind == .regular, !rewriting {
            switch existing {
            case .overwrite: break
            case .refuse: throw .exists(path)
            case .keep: throw .keptExisting(path)
            }
        }
        return OutputTarget(requested: path, resolved: resolved, isSpecial: special)
    }
}

/// Where a claimed output's bytes go.
public struct OutputTarget: Sendable, Equatable {
    /// The path as the user gave it.
    public var requested: String
    /// The file a write lands on (symlinks followed): a symlink stays a symlink, its target gets the bytes.
    public var resolved: String
    /// A device, pipe or socket: written through in place, never replaced.
    public var isSpecial: Bool
}
