import Corpus
import Evaluation
import Foundation
import Pipeline
import Testing

/// The state folder's key changes with every model file a run reads, so results of a retrained model never mix with
/// the old ones.
@Suite struct EvaluationStateKeyTests {
    /// A folder holding fake Ali-Net and lip-geometry model files (fingerprints read bytes only).
    static func folder(alinet: String, lips: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("statekey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(alinet.utf8).write(to: dir.appendingPathComponent(ModelLocator.alignerModelName))
        try Data(lips.utf8).write(to: dir.appendingPathComponent(ModelLocator.lipsModelName))
        return dir.path
    }

    @Test func theLipsAlignersFingerprintTheLipModel() throws {
        let a = try Self.folder(alinet: "A", lips: "L1"), b = try Self.folder(alinet: "A", lips: "L2")
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        for name in ["posterior-lips", "aligner"] {
            let fa = EvaluationStateKey.modelFingerprints(locator: ModelLocator(searchFolders: [a]), restorers: ["blend"], aligner: name)
            let fb = EvaluationStateKey.modelFingerprints(locator: ModelLocator(searchFolders: [b]), restorers: ["blend"], aligner: name)
            #expect(fa["lips"] != nil && fa["lips"] != fb["lips"], "\(name): \(fa) vs \(fb)")
            #expect(fa["aligner"] == fb["aligner"] && fa["aligner"] != nil)
        }
    }

    @Test func truePositionsAndModelFreeAlignersReadNoAlignerModel() throws {
        let a = try Self.folder(alinet: "A", lips: "L1")
        defer { try? FileManager.default.removeItem(atPath: a) }
        let locator = ModelLocator(searchFolders: [a])
        #expect(EvaluationStateKey.modelFingerprints(locator: locator, restorers: ["blend"], aligner: nil).isEmpty)
        #expect(EvaluationStateKey.modelFingerprints(locator: locator, restorers: ["blend"], aligner: "uniform").isEmpty)
        let dp = EvaluationStateKey.modelFingerprints(locator: locator, restorers: ["blend"], aligner: "dp")
        #expect(dp["aligner"] != nil && dp["lips"] == nil)
    }

    @Test func theHashFollowsTheFingerprints() {
        let settings = EvaluationSettings(drop: DropSettings(rate: 0.87, seed: 1))
        let one = EvaluationStateKey(settings: settings, corpus: "c", methods: ["blend"], modelFiles: ["lips": "1"])
        let two = EvaluationStateKey(settings: settings, corpus: "c", methods: ["blend"], modelFiles: ["lips": "2"])
        #expect(one.hash != two.hash)
        #expect(one.hash == EvaluationStateKey(settings: settings, corpus: "c", methods: ["blend"], modelFiles: ["lips": "1"]).hash)
    }
}
