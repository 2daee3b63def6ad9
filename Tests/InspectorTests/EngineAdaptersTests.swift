import Foundation
import Testing
import Landmarks
import Media
import Restoration
@testable import Inspector

/// The session built from the bundled sample clip with the engine as it stands.
@Suite struct EngineAdaptersTests {
    static let sample = TestSessions.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

    @Test func completeClipIsDroppedAndAlignedAgainstTheTruth() throws {
        let mailbox = LoaderMailbox()
        let s = try EngineAdapters.session(path: Self.sample, options: .init(rate: 0.87, seed: 1, maxSide: 96), mailbox: mailbox)
        #expect(s.n == 75)
        #expect(s.fps == 25)
        let truth = try #require(s.truePositions)
        #expect(truth.count == s.k)
        #expect(truth.first == 0 && truth.last == 74, "first and last frames survive")
        #expect(s.k < 30)
        let names = s.alignments.map(\.name)
        #expect(names.contains("dp") && names.contains("uniform"))
        let dp = try #require(s.alignments.first { $0.name == "dp" })
        #expect(dp.trace?.positions == dp.predicted)
        #expect(s.distance?.rows == s.k && s.distance?.columns == 75)
        #expect(!mailbox.drain().isEmpty, "progress was reported")
        // A dropped slot: restored frame exists, truth exists, metrics are finite.
        // A slot that no survivor truly holds and none was placed at: its frame is synthesized, never a copy of the truth.
        let gap = try #require((0..<75).first { !dp.predicted.contains($0) && !truth.contains($0) && !truth.contains($0 - 1) })
        let restored = try #require(s.frames.frame(slot: gap, kind: .restored(method: "blend", aligner: "dp")))
        let t = try #require(s.frames.frame(slot: gap, kind: .truth))
        #expect(restored.width == t.width && t.width == 96)
        let m = try #require(s.frames.metrics(slot: gap, method: "hold", aligner: "dp"))
        #expect((m.psnr ?? 0) > 10)
        #expect((m.ssim ?? 0) > 0.2)
        #expect(s.frames.frame(slot: gap, kind: .difference(method: "hold", aligner: "dp")) != nil)
    }

    @Test(.enabled(if: LandmarkDetector.isModelInstalled(), "dlib's shape predictor is not installed (scripts/setup.sh installs libdlib-data)"))
    func theFrameLineScoresTheMouthAsEvaluateDoes() throws {
        let s = try EngineAdapters.session(path: Self.sample, options: .init(rate: 0.87, seed: 1, maxSide: 256), mailbox: LoaderMailbox())
        let truth = try #require(s.truePositions)
        let dp = try #require(s.alignments.first { $0.name == "dp" })
        let gap = try #require((0..<75).first { !dp.predicted.contains($0) && !truth.contains($0) && !truth.contains($0 - 1) })
        let m = try #require(s.frames.metrics(slot: gap, method: "blend", aligner: "dp"))
        let mouth = try #require(m.mouthPSNR, "a frontal GRID face at 256 px has landmarks")
        #expect(mouth.isFinite && mouth > 10 && mouth <= 100)
        #expect((m.lmd ?? -1) >= 0 && (m.lmd ?? 1) < 0.5)
        // Cached: the same numbers again, without a second landmark search.
        #expect(s.frames.metrics(slot: gap, method: "blend", aligner: "dp") == m)
    }

    @Test func missingFileIsATypedError() {
        #expect(throws: InspectorError.self) {
            _ = try EngineAdapters.session(path: "/nonexistent/clip.mp4", options: .init())
        }
    }

    @Test func restoredFramesComeFromTheEngineRestorers() throws {
        let a = try RGBImage(width: 2, height: 1, rgb: [0, 0, 0, 0, 0, 0]), b = try RGBImage(width: 2, height: 1, rgb: [100, 200, 40, 100, 200, 40])
        let provider = EngineFrameProvider(survivors: [a, b], shownSize: nil, truth: nil, restorers: [HoldRestorer(), BlendRestorer()],
                                           positions: ["dp": [0, 4]], context: GapContext(frameRate: Rational(25, 1)))
        #expect(provider.frame(slot: 2, kind: .restored(method: "hold", aligner: "dp"))?.rgb == [0, 0, 0, 0, 0, 0])
        #expect(provider.frame(slot: 1, kind: .restored(method: "blend", aligner: "dp"))?.rgb == [25, 50, 10, 25, 50, 10])
        #expect(provider.frame(slot: 4, kind: .restored(method: "blend", aligner: "dp"))?.rgb == [100, 200, 40, 100, 200, 40])
        // After the last survivor the frame can only be held.
        #expect(provider.frame(slot: 6, kind: .restored(method: "blend", aligner: "dp"))?.rgb == [100, 200, 40, 100, 200, 40])
        #expect(provider.frame(slot: 1, kind: .restored(method: "nonexistent", aligner: "dp")) == nil)
    }
}
