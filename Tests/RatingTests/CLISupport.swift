import DropfillTestSupport
import Foundation

/// Finds the built `dropfill` next to the test bundle and runs it (directly, or inside tmux).
enum CLI {
    static var repoRoot: URL { BuiltProduct.repoRoot }

    /// `dropfill` in the build products folder beside the test bundle.
    static var binary: String? { BuiltProduct.binary }
    static var tmux: String? { BuiltProduct.tmux }

    /// Runs `dropfill args…` with `environment` added (status −1 when the binary was not built).
    static func run(_ args: [String], environment: [String: String] = [:], in dir: String? = nil) throws -> BuiltProduct.Output {
        try BuiltProduct.run(args, environment: environment, in: dir) ?? BuiltProduct.Output(status: -1, stdout: "", stderr: "no binary")
    }

    /// Single-quotes `s` for sh.
    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    typealias Tmux = TmuxServer

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
