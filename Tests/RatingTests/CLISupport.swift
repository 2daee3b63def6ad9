import Foundation

/// Finds the built `dropfill` next to the test bundle and runs it (directly, or inside tmux).
enum CLI {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `dropfill` in the build products folder beside the test bundle.
    static let binary: String? = {
        var dirs: [URL] = []
        if let exe = Bundle.main.executableURL { dirs.append(exe.deletingLastPathComponent()) }
        dirs.append(URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent())
        dirs.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for d in dirs {
            var url = d
            for _ in 0..<3 {
                let candidate = url.appendingPathComponent("dropfill").path
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                url = url.deletingLastPathComponent()
            }
        }
        return nil
    }()

    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `dropfill args…` with `environment` added, output through files (never a pipe that could fill up).
    static func run(_ args: [String], environment: [String: String] = [:], in dir: String? = nil) throws -> Result {
        guard let binary else { return Result(status: -1, stdout: "", stderr: "no binary") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir ?? repoRoot.path)
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-rate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let o = tmp.appendingPathComponent("o"), e = tmp.appendingPathComponent("e")
        FileManager.default.createFile(atPath: o.path, contents: nil)
        FileManager.default.createFile(atPath: e.path, contents: nil)
        let oh = try FileHandle(forWritingTo: o), eh = try FileHandle(forWritingTo: e)
        p.standardOutput = oh
        p.standardError = eh
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try oh.close()
        try eh.close()
        return Result(status: p.terminationStatus, stdout: String(decoding: try Data(contentsOf: o), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: e), as: UTF8.self))
    }

    /// Single-quotes `s` for sh.
    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// A private tmux server (own socket), killed when this object goes away.
    final class Tmux {
        let socket = "dropfill-rating-\(getpid())-\(Int.random(in: 0..<1_000_000))"

        /// Runs tmux with posix_spawn and waitpid (Foundation's `Process` hung waiting for `new-session`'s client here).
        @discardableResult
        func run(_ args: [String]) -> (status: Int32, output: String) {
            guard let tmux = CLI.tmux else { return (-1, "") }
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

        func start(_ name: String, command: String, width: Int = 100, height: Int = 32) -> Bool {
            run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name, command]).status == 0
        }

        func capture(_ name: String) -> String { run(["capture-pane", "-p", "-t", name]).output }
        func keys(_ name: String, _ k: [String]) { run(["send-keys", "-t", name] + k) }

        /// The pid of the pane's first process (the shell running the command).
        func panePID(_ name: String) -> Int32? { Int32(run(["display-message", "-p", "-t", name, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) }

        /// Polls the pane until `predicate` holds (true) or `seconds` pass (false).
        func wait(_ name: String, _ seconds: Double, _ predicate: (String) -> Bool) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if predicate(capture(name)) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return predicate(capture(name))
        }

        deinit { run(["kill-server"]) }
    }

    /// Child process ids of `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return procs.compactMap { entry -> Int32? in
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid ? child : nil
        }
    }
}
