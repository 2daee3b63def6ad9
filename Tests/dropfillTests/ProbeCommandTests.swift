import DropfillTestSupport
import Foundation
import Testing
import Media

/// `dropfill probe` end to end through the real binary.
@Suite(.enabled(if: Prerequisite.binary, Comment(rawValue: Prerequisite.binaryReason)))
struct ProbeCommandTests {
    @Test func jsonReportsTheSampleFacts() throws {
        let r = try #require(try CLIRunner.run(["probe", "SampleData/grid-bbaf2n.mp4", "--json"]))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let info = try JSONDecoder().decode(MediaInfo.self, from: Data(r.stdout.utf8))
        #expect(info.frameCount == 75)
        #expect(info.video?.width == 360)
        #expect(info.audio?.sampleRate == 44_100)
        #expect(info.timestampGaps.isEmpty)
    }

    @Test func tableNamesStreamsAndGaps() throws {
        let r = try #require(try CLIRunner.run(["probe", "SampleData/grid-bbaf2n.mp4"]))
        #expect(r.status == 0)
        #expect(r.stdout.contains("h264 360×288"))
        #expect(r.stdout.contains("gaps        none"))
    }

    @Test(arguments: [["probe", "/no/such file.mp4"], ["probe", "Sources"], ["probe"]])
    func badInputIsOneClearLineAndNonZeroExit(arguments: [String]) throws {
        let r = try #require(try CLIRunner.run(arguments))
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error:"))
    }

    @Test func versionAndHelp() throws {
        let v = try #require(try CLIRunner.run(["--version"]))
        #expect(v.status == 0 && !v.stdout.isEmpty)
        let h = try #require(try CLIRunner.run(["--help"]))
        #expect(h.status == 0 && h.stdout.contains("probe"))
    }

    /// Every subcommand answers `--help` with its own text.
    @Test func everySubcommandHasHelp() throws {
        let h = try #require(try CLIRunner.run(["help"]))
        let names = h.stdout.components(separatedBy: "SUBCOMMANDS:").last?
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { !$0.isEmpty && $0.first?.isLetter == true && $0 != "See" } ?? []
        #expect(names.contains("probe"))
        for name in names {
            let r = try #require(try CLIRunner.run([name, "--help"]))
            #expect(r.status == 0, "\(name) --help failed: \(r.stderr)")
            #expect(r.stdout.contains("USAGE"), "\(name) --help has no usage")
        }
    }
}
