import DropfillTestSupport
import Foundation
import Testing

/// Options over closed sets (`--split`, `--positions`, `--method`, `--methods`, `--aligner`, `--crop`) reject a bad
/// value while parsing, with an error that lists the values they take.
@Suite(.enabled(if: Prerequisite.binary, Comment(rawValue: Prerequisite.binaryReason)))
struct ArgumentValueTests {
    /// Runs `arguments`, expects a parse failure naming `option` and `bad`, and returns its stderr.
    private func rejection(_ arguments: [String], option: String, bad: String) throws -> String {
        let r = try #require(try CLIRunner.run(arguments))
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("The value '\(bad)' is invalid for '\(option)"), "stderr: \(r.stderr)")
        return r.stderr
    }

    /// Whether an error lists `value`: quoted in one line ('a', 'b' or 'c'), or as a bullet when there are six or more.
    private func lists(_ err: String, _ value: String) -> Bool {
        err.contains("'\(value)'") || err.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "- \(value)" }
    }

    @Test(arguments: [["evaluate", "SampleData/grid-bbaf2n.mp4"], ["train-align", "SampleData"], ["train-restore", "SampleData"]])
    func badSplitListsTheParts(command: [String]) throws {
        let err = try rejection(command + ["--split", "testing"], option: "--split", bad: "testing")
        for part in ["all", "train", "validation", "test"] { #expect(lists(err, part), "stderr: \(err)") }
    }

    @Test func badRestoreMethodListsTheCatalog() throws {
        let err = try rejection(["restore", "in.mp4", "-o", "out.mp4", "--method", "fennet"], option: "--method", bad: "fennet")
        for name in ["hold", "blend", "minterpolate", "fenet", "fenet-noaudio"] { #expect(lists(err, name), "stderr: \(err)") }
    }

    @Test func badEvaluateMethodListsTheCatalog() throws {
        let err = try rejection(["evaluate", "SampleData/grid-bbaf2n.mp4", "--methods", "hold,fennet"], option: "--methods",
                                bad: "hold,fennet")
        for name in ["hold", "blend", "minterpolate", "fenet"] { #expect(lists(err, name), "stderr: \(err)") }
    }

    @Test(arguments: [["inspect", "SampleData/grid-bbaf2n.mp4"], ["rate", "study.json", "--rater", "ann"]])
    func badGraphicsListsTheModes(command: [String]) throws {
        let err = try rejection(command + ["--graphics", "bogus"], option: "--graphics", bad: "bogus")
        for mode in ["auto", "sixel", "truecolor", "256", "ascii"] { #expect(lists(err, mode), "stderr: \(err)") }
    }

    @Test func badInspectorAlignerAndMethodListTheCatalogs() throws {
        let err = try rejection(["inspect", "SampleData/grid-bbaf2n.mp4", "--method", "fennet"], option: "--method", bad: "fennet")
        for name in ["hold", "blend", "fenet"] { #expect(lists(err, name), "stderr: \(err)") }
        let err2 = try rejection(["inspect", "SampleData/grid-bbaf2n.mp4", "--aligner", "dpp"], option: "--aligner", bad: "dpp")
        for name in ["aligner", "dp", "uniform"] { #expect(lists(err2, name), "stderr: \(err2)") }
    }

    /// Anything but a keyword must be an existing truth file.
    @Test func badPositionsListsTheKeywordsAndTheFile() throws {
        let err = try rejection(["restore", "in.mp4", "-o", "out.mp4", "--positions", "timestamp"], option: "--positions", bad: "timestamp")
        for word in ["auto", "timestamps", "aligner", "<truth-file>"] { #expect(lists(err, word), "stderr: \(err)") }
        _ = try rejection(["restore", "in.mp4", "-o", "out.mp4", "--positions", "/no/such.truth.json"], option: "--positions",
                          bad: "/no/such.truth.json")
        let e = try rejection(["evaluate", "SampleData/grid-bbaf2n.mp4", "--positions", "timestamps"], option: "--positions",
                              bad: "timestamps")
        #expect(lists(e, "truth") && lists(e, "auto"), "stderr: \(e)")
    }

    /// An existing file passes `--positions` parsing: the run then fails on the missing input, not on the option.
    @Test func existingTruthFileIsAccepted() throws {
        let truth = FileManager.default.temporaryDirectory.appendingPathComponent("positions-\(UUID().uuidString).truth.json")
        try Data("{}".utf8).write(to: truth)
        defer { try? FileManager.default.removeItem(at: truth) }
        let r = try #require(try CLIRunner.run(["restore", "/no/such/input.mp4", "-o", "/tmp/out.mp4", "--positions", truth.path]))
        #expect(r.status != 0)
        #expect(!r.stderr.contains("is invalid for '--positions"), "stderr: \(r.stderr)")
    }

    @Test(arguments: [["align", "in.mp4"], ["restore", "in.mp4", "-o", "out.mp4"], ["evaluate", "SampleData/grid-bbaf2n.mp4"]])
    func badAlignerListsTheCatalog(command: [String]) throws {
        let err = try rejection(command + ["--aligner", "dtw"], option: "--aligner", bad: "dtw")
        for name in ["aligner", "dp", "posterior-visual", "uniform", "timestamps", "visual"] {
            #expect(lists(err, name), "stderr: \(err)")
        }
    }

    @Test func badCropListsTheCrops() throws {
        let err = try rejection(["evaluate", "SampleData/grid-bbaf2n.mp4", "--crop", "mouth"], option: "--crop", bad: "mouth")
        for crop in ["face", "center", "none"] { #expect(lists(err, crop), "stderr: \(err)") }
    }

    /// `train-restore` trains on train or all; the other parts are its validation and held-out test.
    @Test func trainRestoreRefusesAHeldOutPart() throws {
        let r = try #require(try CLIRunner.run(["train-restore", "SampleData", "--split", "test"]))
        #expect(r.status != 0)
        #expect(r.stderr.contains("--split must be train or all"), "stderr: \(r.stderr)")
    }

    /// `--help` names the values of every closed set, and the defaults stay what they were.
    @Test func helpListsValuesAndDefaults() throws {
        let evaluate = try #require(try CLIRunner.run(["evaluate", "--help"]))
        let text = evaluate.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(text.contains("values: all, train, validation, test; default: all"), "\(evaluate.stdout)")
        #expect(text.contains("values: face, center, none; default: face"))
        #expect(text.contains("default: hold,blend,minterpolate"))
        let restore = try #require(try CLIRunner.run(["restore", "--help"]))
        let r = restore.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(r.contains("values: auto, timestamps, aligner, <truth-file>; default: auto"), "\(restore.stdout)")
        let train = try #require(try CLIRunner.run(["train-restore", "--help"]))
        let t = train.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(t.contains("default: train") && t.contains("(default: 128)") && t.contains("(default: 1)"), "\(train.stdout)")
    }
}

