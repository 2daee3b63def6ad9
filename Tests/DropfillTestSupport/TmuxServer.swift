import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private tmux server (own socket), killed when this object goes away.
public final class TmuxServer {
    public let socket = "dropfill-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"

    /// Runs tmux with posix_spawn and waitpid (Foundation's `Process` hung waiting for `new-session`'s client here).
    @discardableResult
    public func run(_ args: [String]) -> (status: Int32, output: String) {
        guard let tmux = BuiltProduct.tmux else { return (-1, "") }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, args.first == "new-session" ? "/dev/null" : out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([tmux, "-L", socket] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // The test runner's threads block signals, and a spawned child inherits the mask: a tmux server started
        // that way never sees SIGCHLD and cannot shut down. Start it with no signal blocked and default handlers.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, tmux, &actions, &attr, argv, environ) == 0 else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, output)
    }

    public func start(_ name: String, command: String, width: Int = 100, height: Int = 32) -> Bool {
        run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name, command]).status == 0
    }

    public func capture(_ name: String) -> String { run(["capture-pane", "-p", "-t", name]).output }
    public func keys(_ name: String, _ k: [String]) { run(["send-keys", "-t", name] + k) }

    /// The pid of the pane's first process (the shell running the command).
    public func panePID(_ name: String) -> Int32? { Int32(run(["display-message", "-p", "-t", name, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// Polls the pane until `predicate` holds (true) or `seconds` pass (false).
    public func wait(_ name: String, _ seconds: Double, _ predicate: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if predicate(capture(name)) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return predicate(capture(name))
    }

    public init() {}

    deinit { run(["kill-server"]) }
}
