import DropfillTestSupport
import Foundation
import Media
import Metrics
import Pipeline
import Restoration
import Testing
@testable import Corpus
@testable import Evaluation

/// `evaluate --full-frame`: restored frames scored whole and in their face square, with sharpness, as `restore` ships them.
@Suite struct FullFrameEvaluationTests {
    @Test func everyMethodIsScoredWholeAndInItsFaceSquareWithSharpness() throws {
        let dir = try TestClips.scratch()
        let clip = try TestClips.movingClip(in: dir, frames: 24, size: 64)
        let model = dir.appendingPathComponent("fenet.safetensors").path
        try FENet(config: .tiny).save(path: model, metadata: [:])
        let factory = RestorerFactory(locator: ModelLocator(restorationModels: dir.path), faceSize: 32)
        let drop = DropSettings(model: .every, rate: 0.5, seed: 1)
        let result = try FullFrameEvaluation.evaluate(clip, drop: drop, methods: ["hold", "blend", "fenet"], factory: factory)
        #expect(result.slotCount == 24 && result.methods.map(\.method) == ["hold", "blend", "fenet"])
        let dropped = result.slotCount - result.survivors
        #expect(dropped > 0)
        let box = result.faceBox
        #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= 64 && box.y + box.height <= 64)
        for m in result.methods {
            #expect(m.full.frames == dropped && m.face.frames == dropped)
            for v in [m.full.psnr, m.full.ssim, m.face.psnr, m.face.ssim, m.sharpness, m.truthSharpness, m.faceSharpness, m.truthFaceSharpness] {
                #expect(v.isFinite, "\(m.method)")
            }
            #expect(m.truthSharpness > 0)
        }
        // The truth's sharpness does not depend on the method, and a second run gives the same numbers (in-process).
        #expect(Set(result.methods.map(\.truthSharpness)).count == 1)
        #expect(try FullFrameEvaluation.evaluate(clip, drop: drop, methods: ["hold", "blend", "fenet"], factory: factory) == result)
        let text = FullFrameEvaluation.text([result], outside: .adaptive)
        #expect(text.contains("PSNR full") && text.contains("sharpness face") && text.contains("fenet"))
    }
}
