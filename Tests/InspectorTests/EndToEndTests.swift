import DropfillTestSupport
import Foundation
import Testing

/// Drives the real `dropfill inspect` in tmux: open the sample, step the DP, switch method, resize, quit.
/// Skipped (with the reason) when tmux or the built binary is missing.
@Suite struct EndToEndTests {
    static let repoRoot = BuiltProduct.repoRoot

    static let binary = BuiltProduct.binary
    static let tmux = BuiltProduct.tmux
    static let available = binary != nil && tmux != nil
    static let reason: Comment = tmux == nil ? "tmux is not installed" : (binary == nil ? "the dropfill binary is not built next to the tests" : "")

    @Test(.enabled(if: available, reason), .timeLimit(.minutes(2)))
    func openStepSwitchResizeQuit() throws {
        let t = TmuxServer()
        let session = "inspect"
        let sample = Self.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
        let command = "cd '\(Self.repoRoot.path)' && LANG=C.UTF-8 LC_ALL=C.UTF-8 DROPFILL_THEMES='\(Self.repoRoot.path)/Themes' '\(Self.binary!)' inspect '\(sample)' --graphics ascii --aligner dp --method hold; sleep 30"
        #expect(t.start(session, command: command, width: 120, height: 40))
        #expect(t.wait(session, 30) { $0.contains("slot 0 of 0–74") }, "the sample loads: \(t.capture(session))")
        #expect(t.capture(session).contains("Distance matrix D"))
        t.keys(session, ["2", "n", "n"])
        #expect(t.wait(session, 5) { $0.contains("rows filled  3 of") }, "DP steps: \(t.capture(session))")
        t.keys(session, ["3", "m"])
        #expect(t.wait(session, 5) { $0.contains("method blend") && $0.contains("restored · blend") }, "method switch: \(t.capture(session))")
        #expect(t.wait(session, 5) { $0.contains("PSNR") })
        t.run(["resize-window", "-t", session, "-x", "90", "-y", "30"])
        #expect(t.wait(session, 5) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count <= 31 && (lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.contains("slot") ?? false)
        }, "redraw after resize: \(t.capture(session))")
        t.run(["resize-window", "-t", session, "-x", "50", "-y", "12"])
        #expect(t.wait(session, 5) { $0.contains("terminal too small") })
        t.run(["resize-window", "-t", session, "-x", "120", "-y", "40"])
        #expect(t.wait(session, 5) { $0.contains("method blend") })
        t.keys(session, ["q"])
        // After q the program exits and the shell's `sleep` runs on a restored (non-alternate) screen.
        #expect(t.wait(session, 5) { !$0.contains("method blend") }, "q quits and leaves the alternate screen: \(t.capture(session))")
        t.run(["kill-server"])
    }
}
