import DropfillTestSupport
import Foundation
import Testing
import Media
@testable import Corpus

/// End to end at the library level: a generated clip with motion is dropped with `keep` and `strip` timestamps, and the
/// outputs hold exactly the surviving frames, at the right times, with the complete audio.
@Suite(.serialized) struct FrameDropperTests {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dropper-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A 2 s, 64×64, 25 fps synthetic talking face with its speech.
    static func source() throws -> String {
        let path = folder.appendingPathComponent("source.mp4").path
        if !FileManager.default.fileExists(atPath: path) {
            try SyntheticFace.writeClip(audio: TestSpeech.load(seconds: 2), to: path, fps: Rational(25, 1), size: 64, seed: 8, crf: 10)
        }
        return path
    }

    static func psnr(_ a: VideoFrame, _ b: VideoFrame) -> Double {
        var se = 0.0
        for (x, y) in zip(a.rgb, b.rgb) { let d = Double(x) - Double(y); se += d * d }
        let mse = se / Double(a.rgb.count) / (255 * 255)
        return mse == 0 ? 99 : 10 * log10(1 / mse)
    }

    @Test(arguments: [TimestampMode.keep, .strip])
    func droppedVideoHoldsTheSurvivorsAndTheWholeAudio(mode: TimestampMode) throws {
        let src = try Self.source()
        let out = Self.folder.appendingPathComponent("dropped-\(mode.rawValue).mp4").path
        let truth = try FrameDropper.drop(input: src, output: out,
                                          options: .init(settings: DropSettings(model: .bernoulli, rate: 0.75, seed: 21), timestamps: mode, crf: 12))
        // The truth file on disk matches the video.
        let loaded = try TruthFile.load(forVideo: out)
        #expect(loaded == truth)
        #expect(truth.originalFrameCount == 50)
        #expect(truth.frameRate == "25" && truth.fps == 25)
        #expect(truth.positions.first == 0 && truth.positions.last == 49)
        #expect(truth.positions == DropSimulation.survivingPositions(
            try DropSimulation.keepMask(frameCount: 50, settings: DropSettings(model: .bernoulli, rate: 0.75, seed: 21))))

        let original = try VideoDecoder(path: src).readAll()
        let dropped = try VideoDecoder(path: out).readAll()
        #expect(dropped.count == truth.positions.count)
        for (frame, slot) in zip(dropped, truth.positions) {
            let p = Self.psnr(frame, original[slot])
            #expect(p > 35, "frame at slot \(slot): \(p) dB")
        }
        if mode == .keep {
            for (frame, slot) in zip(dropped, truth.positions) {
                #expect(abs((frame.timestamp ?? -1) - Double(slot) / 25) < 0.001)
            }
        } else {
            for (i, frame) in dropped.enumerated() { #expect(abs((frame.timestamp ?? -1) - Double(i) / 25) < 0.001) }
        }
        let a = try MediaInfo.probe(path: src), b = try MediaInfo.probe(path: out)
        #expect(abs(a.audioSampleCount - b.audioSampleCount) <= 1024, "\(a.audioSampleCount) vs \(b.audioSampleCount) samples")
        #expect(b.audio?.sampleRate == a.audio?.sampleRate)
    }

    @Test func probeFindsTheGapsExactlyWhereFramesWereDropped() throws {
        // At a low rate most intervals are single, so the nominal interval is one frame and each gap is one drop run.
        let src = try Self.source()
        let out = Self.folder.appendingPathComponent("dropped-low.mp4").path
        let truth = try FrameDropper.drop(input: src, output: out,
                                          options: .init(settings: DropSettings(model: .bernoulli, rate: 0.2, seed: 5), timestamps: .keep))
        let info = try MediaInfo.probe(path: out)
        var expected: [(after: Int, missing: Int)] = []
        for i in 1..<truth.positions.count where truth.positions[i] - truth.positions[i - 1] > 1 {
            expected.append((i, truth.positions[i] - truth.positions[i - 1] - 1))
        }
        #expect(!expected.isEmpty)
        #expect(info.timestampGaps.map(\.afterFrame) == expected.map(\.after))
        #expect(info.timestampGaps.map(\.missingFrames) == expected.map(\.missing))
        #expect(info.missingFrames == 50 - truth.positions.count)
    }

    @Test func truthThatDoesNotMatchItsVideoIsAnError() throws {
        let src = try Self.source()
        let out = Self.folder.appendingPathComponent("dropped-mismatch.mp4").path
        var truth = try FrameDropper.drop(input: src, output: out,
                                          options: .init(settings: DropSettings(model: .every, rate: 0.5), timestamps: .strip))
        truth.positions.removeLast()
        try truth.save(path: TruthFile.defaultPath(forVideo: out))
        #expect(throws: CorpusError.self) { _ = try TruthFile.load(forVideo: out) }
    }

    @Test func outputOverInputAndMissingInputAreErrors() throws {
        let src = try Self.source()
        #expect(throws: CorpusError.self) {
            try FrameDropper.drop(input: src, output: src, options: .init(settings: DropSettings(rate: 0.5)))
        }
        #expect(throws: CorpusError.self) {
            try FrameDropper.drop(input: "/nonexistent.mp4", output: Self.folder.appendingPathComponent("x.mp4").path,
                                  options: .init(settings: DropSettings(rate: 0.5)))
        }
    }
}
