import DropfillTestSupport
import Evaluation
import Foundation
import Pipeline
import Testing
import Media
import Restoration
import SafeOutput
@testable import Corpus

/// Issue 16 in the corpus layer: drop outputs that would destroy a folder or the input, truth files asking for
/// unbounded work, and restorers whose output is NaN (restore must not crash, evaluate must flag it).
@Suite struct CorpusSafetyTests {
    /// A restorer whose every pixel is NaN: a model gone wrong.
    struct NaNRestorer: FrameRestorer {
        let name = "nan"
        func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
            try slots.map { try SlotFrame(slot: $0, width: left.width, height: left.height, planes: [Float](repeating: .nan, count: left.planes.count)) }
        }
    }

    static func partials(_ dir: URL) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).filter { $0.contains(".partial") }
    }

    @Test("drop into an existing folder is refused, even with overwriting on, and the folder is left whole")
    func dropIntoFolder() throws {
        let dir = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try TestClips.movingClip(in: dir, frames: 12)
        let folder = dir.appendingPathComponent("p")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try OutputPlan.$scoped.withValue(OutputPlan(existing: .overwrite)) {
            #expect(throws: CorpusError.media(.output(.isFolder(folder.path)))) {
                try FrameDropper.drop(input: clip.path, output: folder.path, options: .init(settings: DropSettings(rate: 0.5)))
            }
        }
        #expect(FileManager.default.contents(atPath: folder.appendingPathComponent("notes.txt").path) == Data("x".utf8))
        #expect(Self.partials(dir).isEmpty)
    }

    @Test("drop onto its input through a symlinked folder, or --truth onto the video, is refused")
    func dropOntoInput() throws {
        let dir = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try TestClips.movingClip(in: dir, frames: 12)
        let before = try Data(contentsOf: URL(fileURLWithPath: clip.path))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/alias", withDestinationPath: dir.path)
        let options = FrameDropper.Options(settings: DropSettings(rate: 0.5))
        #expect(throws: CorpusError.self) { try FrameDropper.drop(input: clip.path, output: dir.path + "/alias/moving.mp4", options: options) }
        #expect(throws: CorpusError.self) {
            try FrameDropper.drop(input: clip.path, output: dir.path + "/d.mp4", options: options, truthPath: dir.path + "/alias/moving.mp4")
        }
        #expect(throws: CorpusError.self) {
            try FrameDropper.drop(input: clip.path, output: dir.path + "/d.mp4", options: options, truthPath: dir.path + "/./d.mp4")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: clip.path)) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/d.mp4"))
        #expect(Self.partials(dir).isEmpty)
    }

    @Test("truth files asking for unbounded work are refused when read", arguments: [
        #"{"fps": 1e308}"#, #"{"originalFrameCount": 1000000000000000}"#, #"{"frameRate": "1/0"}"#, #"{"width": 100000000}"#,
        #"{"rate": 1.5}"#, #"{"fps": -25}"#,
    ])
    func truthRanges(change: String) throws {
        var object: [String: Any] = ["source": "x.mp4", "originalFrameCount": 75, "frameRate": "25", "fps": 25, "width": 64, "height": 64,
                                     "model": "bernoulli", "rate": 0.5, "seed": 0, "timestamps": "strip", "positions": [0, 10, 74]]
        let patch = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
        object.merge(patch) { _, b in b }
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: CorpusError.self) { try TruthFile.decode(data, path: "t.truth.json") }
        var good = object
        good.merge(["originalFrameCount": 75, "frameRate": "25", "fps": 25, "width": 64, "rate": 0.5]) { _, b in b }
        #expect(throws: Never.self) { try TruthFile.decode(try JSONSerialization.data(withJSONObject: good), path: "t.truth.json") }
    }

    @Test("Rational(fps:) never traps, whatever the number")
    func rationalOfAnyNumber() {
        for v in [Double.nan, .infinity, -.infinity, 1e308, -1e308] { #expect(Rational(fps: v).value == 0) }
    }

    @Test("a restorer whose output is NaN: restore finishes (NaN pixels become 0), evaluate flags the method")
    func nanRestorer() throws {
        let dir = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try TestClips.movingClip(in: dir, frames: 16)
        let dropped = dir.path + "/d.mp4", restored = dir.path + "/r.mp4"
        try FrameDropper.drop(input: clip.path, output: dropped, options: .init(settings: DropSettings(model: .every, rate: 0.5)))
        let summary = try RestorePipeline.run(input: dropped, output: restored,
                                              options: RestoreOptions(positions: .truthFile(TruthFile.defaultPath(forVideo: dropped))),
                                              restorer: NaNRestorer(), aligner: nil)
        #expect(summary.restoredFrames > 0)
        #expect(FileManager.default.fileExists(atPath: restored))

        let prepared = try PreparedClip.load(clip, preparation: EvaluationSettings(drop: DropSettings(model: .every, rate: 0.75, seed: 1), seeds: 1, preparation: ClipPreparation(crop: .none, size: 64)).preparation)
        let evaluator = Evaluator(settings: EvaluationSettings(drop: DropSettings(model: .every, rate: 0.75, seed: 1), seeds: 1, preparation: ClipPreparation(crop: .none, size: 64)), restorers: [NaNRestorer(), HoldRestorer()])
        let result = try evaluator.evaluate(prepared, seed: 1)
        #expect(result.methods[0].nonFiniteFrames == result.slotCount - result.survivors)
        #expect(result.methods[1].nonFiniteFrames == nil)
        let text = try EvaluationReport(settings: EvaluationSettings(drop: DropSettings(model: .every, rate: 0.75, seed: 1), seeds: 1, preparation: ClipPreparation(crop: .none, size: 64)), results: [result]).text()
        #expect(text.contains("warning: nan restored"))
        #expect(!text.contains("warning: hold"))
        #expect(Self.partials(dir).isEmpty)
    }
}
