import Foundation
import Testing
@testable import SafeOutput
#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under the temporary directory, removed by the caller.
func scratchFolder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safeoutput-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Names in `dir` (recursively) that look like a writer's temporary file.
func partialFiles(in dir: String) -> [String] {
    (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.contains(".partial") }
}

let isRoot = getuid() == 0

@Suite("OutputFile: nothing a user has is destroyed by an output path")
struct OutputFileTests {
    @Test("an existing folder is refused whatever the policy, and its contents stay")
    func refusesFolder() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = dir + "/p"
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        for policy in ExistingFilePolicy.allCases {
            #expect(throws: OutputError.isFolder(folder)) {
                try OutputFile.write(Data("new".utf8), to: folder, plan: OutputPlan(existing: policy))
            }
        }
        #expect(FileManager.default.contents(atPath: folder + "/notes.txt") == Data("x".utf8))
        #expect(FileManager.default.fileExists(atPath: folder + "/sub"))
        #expect(partialFiles(in: dir).isEmpty)
    }

    @Test("an existing file: refused without a flag, kept with -n, replaced with -y")
    func existingFilePolicy() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.csv"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: OutputError.exists(path)) { try OutputFile.write(Data("new".utf8), to: path, plan: OutputPlan()) }
        #expect(throws: OutputError.keptExisting(path)) { try OutputFile.write(Data("new".utf8), to: path, plan: OutputPlan(existing: .keep)) }
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        try OutputFile.write(Data("new".utf8), to: path, plan: OutputPlan(existing: .overwrite))
        #expect(FileManager.default.contents(atPath: path) == Data("new".utf8))
        #expect(OutputError.exists(path).description.contains("-y"))
        #expect(!OutputError.exists(path).description.contains("\n"))
        #expect(partialFiles(in: dir).isEmpty)
    }

    @Test("an input reached through a symlinked folder or a hard link is refused, even with -y")
    func refusesInputByIdentity() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        let input = dir + "/real/clip.mp4"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: input))
        try FileManager.default.createSymbolicLink(atPath: dir + "/alias", withDestinationPath: dir + "/real")
        try FileManager.default.linkItem(atPath: input, toPath: dir + "/hard.mp4")
        let plan = OutputPlan(existing: .overwrite, inputs: [input])
        for output in [dir + "/alias/clip.mp4", dir + "/hard.mp4", dir + "/real/./clip.mp4"] {
            #expect(throws: OutputError.isInput(output: output, input: input)) { try OutputFile.write(Data("x".utf8), to: output, plan: plan) }
            // Inputs given per write are checked the same way (a pipeline's source).
            #expect(throws: OutputError.isInput(output: output, input: input)) {
                try OutputFile.write(Data("x".utf8), to: output, inputs: [input], plan: .library)
            }
        }
        #expect(FileManager.default.contents(atPath: input) == Data("precious".utf8))
    }

    @Test("two outputs of one command that land on one file are refused; a reclaimable one may be rewritten")
    func refusesRepeatedOutput() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = OutputPlan(existing: .overwrite)
        try OutputFile.write(Data("video".utf8), to: dir + "/d.mp4", plan: plan)
        #expect(throws: OutputError.isOtherOutput(output: dir + "/./d.mp4", other: dir + "/d.mp4")) {
            try OutputFile.write(Data("truth".utf8), to: dir + "/./d.mp4", plan: plan)
        }
        #expect(throws: OutputError.self) { try plan.preflight(outputs: [dir + "/a", dir + "/./a"]) }
        let strict = OutputPlan()
        for step in 0..<3 { try OutputFile.write(Data("ckpt \(step)".utf8), to: dir + "/c.ckpt", reclaimable: true, plan: strict) }
        #expect(FileManager.default.contents(atPath: dir + "/c.ckpt") == Data("ckpt 2".utf8))
        #expect(FileManager.default.contents(atPath: dir + "/d.mp4") == Data("video".utf8))
    }

    @Test("a symlink at the output stays a symlink; its target receives the bytes")
    func writesThroughSymlink() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/target.json"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.json", withDestinationPath: "target.json")
        try OutputFile.write(Data("new".utf8), to: dir + "/link.json", plan: OutputPlan(existing: .overwrite))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.json") == "target.json")
        #expect(FileManager.default.contents(atPath: dir + "/target.json") == Data("new".utf8))
        // A dangling link is followed too: the file appears at its target.
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/later.txt")
        try OutputFile.write(Data("made".utf8), to: dir + "/dangling", plan: OutputPlan())
        #expect(FileManager.default.contents(atPath: dir + "/later.txt") == Data("made".utf8))
        #expect(partialFiles(in: dir).isEmpty)
    }

    @Test("a FIFO at the output is written through, not replaced")
    func writesThroughFIFO() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let payload = Data((0..<200_000).map { UInt8($0 % 251) })
        let received = LockedData()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(Data(buffer[0..<n]))
            }
            close(fd)
            received.finish()
        }
        reader.start()
        try OutputFile.write(payload, to: fifo, plan: OutputPlan())
        received.waitFinished()
        #expect(received.data == payload)
        #expect(FileIdentity.of(fifo)?.kind == .special)
        #expect(partialFiles(in: dir).isEmpty)
    }

    @Test("a full device is reported as no space, and the device node stays", .enabled(if: isRoot, "mknod needs root"))
    func reportsNoSpace() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = dir + "/full", null = dir + "/null"
        // The devices of /dev/full (1, 7) and /dev/null (1, 3), made in the test's own folder.
        #expect(mknod(full, S_IFCHR | 0o666, dev_t((1 << 8) | 7)) == 0)
        #expect(mknod(null, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
        #expect(throws: OutputError.noSpace(full)) { try OutputFile.write(Data("truth".utf8), to: full, plan: OutputPlan()) }
        try OutputFile.write(Data("anything".utf8), to: null, plan: OutputPlan())
        #expect(FileIdentity.of(full)?.kind == .special)
        #expect(FileIdentity.of(null)?.kind == .special)
        #expect(partialFiles(in: dir).isEmpty)
    }

    @Test("a missing folder is a one-line error naming it; nothing is created")
    func missingFolder() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: OutputError.noFolder(output: dir + "/no/out.json", folder: dir + "/no")) {
            try OutputFile.write(Data("x".utf8), to: dir + "/no/out.json", plan: OutputPlan())
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/no"))
    }

    @Test("an uncommitted file is removed when dropped, and the signal registry forgets it")
    func discardsUncommitted() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var temporary = ""
        do {
            let file = try OutputFile(path: dir + "/v.mp4", plan: OutputPlan())
            temporary = file.temporaryPath
            try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
            #expect(TemporaryFiles.live.contains(temporary))
        }
        #expect(!FileManager.default.fileExists(atPath: temporary))
        #expect(!TemporaryFiles.live.contains(temporary))
        #expect(!FileManager.default.fileExists(atPath: dir + "/v.mp4"))
    }

    @Test("the signal handler's sweep removes every registered file")
    func signalSweep() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/.x.partial.mp4"
        try Data("half".utf8).write(to: URL(fileURLWithPath: path))
        let slot = try #require(TemporaryFiles.register(path))
        // The sweep `removeAllNow()` runs, over this test's slot only: every slot would unlink the partial outputs
        // of tests running beside it (a restore in RealClipTests lost its file that way).
        TemporaryFiles.removeNow(slots: slot..<(slot + 1))
        TemporaryFiles.unregister(slot)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

/// Bytes collected by a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSCondition()
    private var storage = Data()
    private var done = false

    func append(_ d: Data) { lock.lock(); storage.append(d); lock.unlock() }
    func finish() { lock.lock(); done = true; lock.broadcast(); lock.unlock() }
    func waitFinished() { lock.lock(); while !done { lock.wait() }; lock.unlock() }
    var data: Data { lock.lock(); defer { lock.unlock() }; return storage }
}
