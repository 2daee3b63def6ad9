import Corpus
import DropfillTestSupport
import Foundation
import Media
import Pipeline
import Restoration
import Testing
@testable import Inspector
@testable import Rating

/// The three faces run one engine: `restore`, the inspector's frame provider and the rating runner's stimulus make
/// the same FE-Net frame, bit for bit, for the same clip, gap and model.
@Suite struct OneEngineTests {
    static let repo = BuiltProduct.repoRoot
    static let sample = repo.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
    static let models = repo.appendingPathComponent("SampleData/models").path
    static let modelPresent = FileManager.default.fileExists(atPath: models + "/fenet.safetensors")

    @Test(.enabled(if: modelPresent, "the shipped FE-Net model is not in SampleData/models"), .timeLimit(.minutes(3)))
    func restoreInspectorAndRatingMakeTheSameFENetFrame() throws {
        let dir = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dropped = dir.appendingPathComponent("dropped.mp4").path, truthPath = dir.appendingPathComponent("dropped.truth.json").path
        let truth = try FrameDropper.drop(input: Self.sample, output: dropped,
                                          options: FrameDropper.Options(settings: DropSettings(model: .bernoulli, rate: 0.8, seed: 3),
                                                                        timestamps: .strip, crf: 12, preset: "fast"), truthPath: truthPath)
        // A slot inside a gap with survivors on both sides.
        let p = truth.positions
        let i = try #require(p.indices.dropLast().first { p[$0 + 1] - p[$0] >= 3 })
        let slot = p[i] + 1
        let factory = RestorerFactory(locator: ModelLocator(restorationModels: Self.models))

        // dropfill restore DROPPED --positions TRUTH --method fenet
        let restoreFrames = dir.appendingPathComponent("restore").path
        let clip = try DroppedClip.open(path: dropped, truthPath: truthPath)
        _ = try RestorePipeline.run(clip: clip, output: dir.appendingPathComponent("r.mp4").path,
                                    options: RestoreOptions(positions: .truthFile(truthPath), framesDirectory: restoreFrames),
                                    method: "fenet", factory: factory, aligner: nil)
        let fromRestore = try PNGImage.read(restoreFrames + String(format: "/frame-%06d.png", slot))

        // The rating runner's stimulus.
        let ratingFrames = dir.appendingPathComponent("rating").path
        _ = try StimulusCache.restore(dropped: dropped, truth: truthPath, output: dir.appendingPathComponent("s.mp4").path,
                                      method: "fenet", factory: factory, framesDirectory: ratingFrames)
        let fromRating = try PNGImage.read(ratingFrames + String(format: "/frame-%06d.png", slot))

        // The inspector's frame provider, at full size.
        let session = try EngineAdapters.droppedSession(path: dropped, truthPath: truthPath,
                                                        options: .init(locator: ModelLocator(restorationModels: Self.models)))
        let provider = try #require(session.frames as? EngineFrameProvider)
        let fromInspector = try #require(provider.restoredFullFrame(slot: slot, method: "fenet", aligner: EngineFrameProvider.truthAligner))

        #expect(fromRestore.width == 360 && fromRestore.height == 288)
        #expect(fromRestore.rgb == fromRating.rgb, "restore and rating differ at slot \(slot)")
        #expect(fromRestore.rgb == fromInspector.rgb, "restore and the inspector differ at slot \(slot)")
        // And it is FE-Net's picture, not a copy of a neighbour.
        let left = try PNGImage.read(restoreFrames + String(format: "/frame-%06d.png", p[i]))
        #expect(left.rgb != fromRestore.rgb)
    }
}
