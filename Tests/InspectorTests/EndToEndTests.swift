import Foundation
import Testing

/// Drives the real `dropfill inspect` in tmux: open the sample, step the DP, switch method, resize, quit.
/// Skipped (with the reason) when tmux or the built binary is missing.
@Suite struct EndToEndTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `dropfill` next to the test bundle in the build products directory.
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
    static let available = binary != nil && tmux != nil
    static let reason: Comment = tmux == nil ? "tmux is not installed" : (binary == nil ? "the dropfill binary is not built next to the tests" : "")

    final class Tmux {
        let socket = "dropfill-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        let session = "inspect"

        /// Runs tmux with `args` through posix_spawn + waitpid (Foundation's Process can miss the exit of a
        /// client whose server it forked and wait forever). Output goes to a file, never a pipe the server
        /// could inherit.
        @discardableResult
        func run(_ args: [String]) -> (status: Int32, output: String) {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, args.first == "new-session" ? "/dev/null" : out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([EndToEndTests.tmux!, "-L", socket] + args).map { strdup($0) } + [nil]
            defer { for p in argv { free(p) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, EndToEndTests.tmux!, &actions, nil, argv, environ) == 0 else { return (-1, "") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            return ((status >> 8) & 0xFF, text)
        }

        func capture() -> String { run(["capture-pane", "-p", "-t", session]).output }
        func keys(_ k: String...) { run(["send-keys", "-t", session] + k) }
        var alive: Bool { run(["has-session", "-t", session]).status == 0 }

        /// Polls the pane until `predicate` holds (true) or `seconds` pass (false).
        func wait(_ seconds: Double, _ predicate: (String) -> Bool) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if predicate(capture()) { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return predicate(capture())
        }

        deinit { run(["kill-server"]) }
    }

    @Test(.enabled(if: available, reason), .timeLimit(.minutes(2)))
    func openStepSwitchResizeQuit() throws {
        let t = Tmux()
        let sample = Self.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
        let command = "cd '\(Self.repoRoot.path)' && LANG=C.UTF-8 LC_ALL=C.UTF-8 DROPFILL_THEMES='\(Self.repoRoot.path)/Themes' '\(Self.binary!)' inspect '\(sample)' --graphics ascii; sleep 30"
        #expect(t.run(["new-session", "-d", "-x", "120", "-y", "40", "-s", t.session, command]).status == 0)
        #expect(t.wait(30) { $0.contains("slot 1/75") }, "the sample loads: \(t.capture())")
        #expect(t.capture().contains("Distance matrix D"))
        t.keys("2", "n", "n")
        #expect(t.wait(5) { $0.contains("rows filled  3 of") }, "DP steps: \(t.capture())")
        t.keys("3", "m")
        #expect(t.wait(5) { $0.contains("method blend") && $0.contains("restored · blend") }, "method switch: \(t.capture())")
        #expect(t.wait(5) { $0.contains("PSNR") })
        t.run(["resize-window", "-t", t.session, "-x", "90", "-y", "30"])
        #expect(t.wait(5) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count <= 31 && (lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.contains("slot") ?? false)
        }, "redraw after resize: \(t.capture())")
        t.run(["resize-window", "-t", t.session, "-x", "50", "-y", "12"])
        #expect(t.wait(5) { $0.contains("terminal too small") })
        t.run(["resize-window", "-t", t.session, "-x", "120", "-y", "40"])
        #expect(t.wait(5) { $0.contains("method blend") })
        t.keys("q")
        // After q the program exits and the shell's `sleep` runs on a restored (non-alternate) screen.
        #expect(t.wait(5) { !$0.contains("method blend") }, "q quits and leaves the alternate screen: \(t.capture())")
        t.run(["kill-server"])
    }
}
