import DropfillTestSupport
import Foundation
import Media
import Testing

/// `dropfill evaluate FOLDER` scores the clips of a folder whatever container they are in (FLV here).
@Suite(.enabled(if: Prerequisite.binary, Comment(rawValue: Prerequisite.binaryReason)))
struct EvaluateFolderTests {
    @Test func aFolderOfFLVClipsEvaluates() throws {
        let root = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let clips = root.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)
        for name in ["one.flv", "two.flv"] { _ = try TestClips.movingClip(in: clips, name: name, frames: 24, size: 32) }
        try Data("junk".utf8).write(to: clips.appendingPathComponent("junk.dat"))
        // Media's encoder follows the extension: these are FLV files, as FFmpeg sees them.
        #expect(try ContainerProbe.videoFormat(path: clips.appendingPathComponent("one.flv").path) == "flv")
        let r = try #require(try CLIRunner.run(["evaluate", clips.path, "--methods", "hold,blend", "--crop", "center", "--size", "32",
                                                "--rate", "0.5", "--state", root.appendingPathComponent("state").path, "--json"]))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("2 clip(s)"), "stderr: \(r.stderr)")
        #expect(r.stderr.contains("note: 1 file FFmpeg cannot read as video skipped (junk.dat)"), "stderr: \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)")
        #expect(report["methods"] != nil || r.stdout.contains("\"hold\""), "stdout: \(r.stdout)")
    }
}
