import Foundation
import Testing
import Media

/// `dropfill probe` end to end through the real binary.
@Suite struct ProbeCommandTests {
    @Test func jsonReportsTheSampleFacts() throws {
        guard let r = try CLIRunner.run(["probe", "SampleData/grid-bbaf2n.mp4", "--json"]) else { return }
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let info = try JSONDecoder().decode(MediaInfo.self, from: Data(r.stdout.utf8))
        #expect(info.frameCount == 75)
        #expect(info.video?.width == 360)
        #expect(info.audio?.sampleRate == 44_100)
        #expect(info.timestampGaps.isEmpty)
    }

    @Test func tableNamesStreamsAndGaps() throws {
        guard let r = try CLIRunner.run(["probe", "SampleData/grid-bbaf2n.mp4"]) else { return }
        #expect(r.status == 0)
        #expect(r.stdout.contains("h264 360×288"))
        #expect(r.stdout.contains("gaps        none"))
    }

    @Test(arguments: [["probe", "/no/such file.mp4"], ["probe", "Sources"], ["probe"]])
    func badInputIsOneClearLineAndNonZeroExit(arguments: [String]) throws {
        guard let r = try CLIRunner.run(arguments) else { return }
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("Error:"))
    }

    @Test func versionAndHelp() throws {
        guard let v = try CLIRunner.run(["--version"]) else { return }
        #expect(v.status == 0 && !v.stdout.isEmpty)
        guard let h = try CLIRunner.run(["--help"]) else { return }
        #expect(h.status == 0 && h.stdout.contains("probe"))
    }

    /// Every subcommand answers `--help` with its own text.
    @Test func everySubcommandHasHelp() throws {
        guard let h = try CLIRunner.run(["help"]) else { return }
        let names = h.stdout.components(separatedBy: "SUBCOMMANDS:").last?
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { !$0.isEmpty && $0.first?.isLetter == true && $0 != "See" } ?? []
        #expect(names.contains("probe"))
        for name in names {
            guard let r = try CLIRunner.run([name, "--help"]) else { return }
            #expect(r.status == 0, "\(name) --help failed: \(r.stderr)")
            #expect(r.stdout.contains("USAGE"), "\(name) --help has no usage")
        }
    }
}
