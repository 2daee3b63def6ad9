import DropfillTestSupport
import Foundation
import Landmarks
import Pipeline
import Restoration
import Testing
@testable import Corpus
@testable import Evaluation

/// `evaluate --mouth`: mouth-box scores and LMD beside the face-crop scores, and a clear note (never a crash) when no
/// face is found.
@Suite struct MouthScoringTests {
    static let modelInstalled = LandmarkDetector.isModelInstalled()
    static let sample = BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

    @Test(.enabled(if: modelInstalled, "dlib's landmark model is not installed (scripts/setup.sh)"))
    func realClipGetsMouthScoresForEveryMethod() throws {
        let settings = EvaluationSettings(drop: DropSettings(model: .bernoulli, rate: 0.75, seed: 2), seeds: 1,
                                          preparation: ClipPreparation(crop: .face, size: 128, maxFrames: 30))
        let clip = try PreparedClip.load(try Corpus(path: Self.sample, manifest: nil).clips[0], preparation: settings.preparation)
        var evaluator = Evaluator(settings: settings, restorers: [HoldRestorer(), BlendRestorer()])
        evaluator.mouthDetector = try LandmarkDetector.shared()
        let result = try evaluator.evaluate(clip, seed: 2)
        #expect(result.mouthNote == nil, "\(result.mouthNote ?? "")")
        for m in result.methods {
            let all = try #require(m.mouth?.all, "\(m.method) has no mouth scores")
            #expect(all.frames == m.all.frames)
            #expect(all.psnr.isFinite && all.ssim > 0 && all.ssim <= 1)
            let lmd = try #require(all.lmd)
            #expect(lmd >= 0 && lmd < 1)
        }
        let report = try EvaluationReport(settings: settings, results: [result])
        #expect(report.text().contains("mouth PSNR"))
        // The CSV carries the mouth columns, one value per method's row, equal to the scores.
        let lines = EvaluationReport.csv([result]).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = lines[0].map(String.init)
        let column = try #require(header.firstIndex(of: "mouth_psnr"))
        #expect(header.suffix(EvaluationReport.mouthCSVColumns.count).elementsEqual(EvaluationReport.mouthCSVColumns))
        for (line, m) in zip(lines.dropFirst(), result.methods) {
            #expect(line.count == header.count)
            let psnr = try #require(Double(String(line[column])))
            #expect(abs(psnr - (m.mouth?.all?.psnr ?? .nan)) < 1e-5)
        }
    }

    @Test(.enabled(if: modelInstalled, "dlib's landmark model is not installed (scripts/setup.sh)"))
    func clipWithoutAFaceKeepsFaceCropScoresAndSaysWhy() throws {
        let dir = try TestClips.scratch()
        let settings = EvaluationSettings(drop: DropSettings(model: .every, rate: 0.75, seed: 1), seeds: 1,
                                          preparation: ClipPreparation(crop: .none, size: 64))
        let clip = try PreparedClip.load(try TestClips.movingClip(in: dir, name: "noface.mp4", frames: 20, size: 64),
                                         preparation: settings.preparation)
        var evaluator = Evaluator(settings: settings, restorers: [BlendRestorer()])
        evaluator.mouthDetector = try LandmarkDetector.shared()
        let result = try evaluator.evaluate(clip, seed: 1)
        #expect(result.methods[0].all.frames > 0)
        #expect(result.methods[0].mouth?.all == nil)
        #expect(result.mouthNote?.contains("no face or landmarks") == true)
        #expect(try EvaluationReport(settings: settings, results: [result]).text().contains("PSNR"))
    }
}
