import Foundation

/// What end-to-end tests need to run the real program: the checkout, the built `dropfill`, tmux, and a way to run a
/// command with its output collected (through files, never a pipe that could fill up and block the child).
public enum BuiltProduct {
    /// The repository root (this file is Tests/DropfillTestSupport/BuiltProduct.swift).
    public static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `dropfill` in the build products folder beside the test bundle, or nil when it was not built.
    public static let binary: String? = {
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

    /// tmux, when installed (scripts/setup.sh installs it).
    public static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What a finished command printed.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `dropfill arguments…` in `directory` (default: the repository root) with `environment` added.
    /// Nil when the binary was not built.
    public static func run(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil) throws -> Output? {
        guard let binary else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory ?? repoRoot.path)
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let o = tmp.appendingPathComponent("out"), e = tmp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: o.path, contents: nil)
        _ = FileManager.default.createFile(atPath: e.path, contents: nil)
        let oh = try FileHandle(forWritingTo: o), eh = try FileHandle(forWritingTo: e)
        p.standardOutput = oh
        p.standardError = eh
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try oh.close()
        try eh.close()
        return Output(status: p.terminationStatus, stdout: String(decoding: try Data(contentsOf: o), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: e), as: UTF8.self))
    }
}
