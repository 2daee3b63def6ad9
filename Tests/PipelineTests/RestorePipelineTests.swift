import DropfillTestSupport
import Evaluation
import Foundation
import Testing
import Media
import Metrics
import Restoration
import Corpus
@testable import Pipeline

/// `dropfill restore` end to end at the library level: drop, restore, compare with the original.
@Suite struct RestorePipelineTests {
    /// A clip with motion and a tone, dropped with `timestamps` mode; returns (original, dropped, truth).
    static func dropped(_ mode: TimestampMode, rate: Double = 0.7, seed: UInt64 = 2) throws -> (URL, String, String, TruthFile) {
        let dir = try TestClips.scratch()
        let clip = try TestClips.movingClip(in: dir, frames: 30, size: 48)
        // Give it audio: re-encode the frames with a tone.
        let frames = try VideoDecoder(path: clip.path).readAll()
        let withAudio = dir.appendingPathComponent("with audio.mp4").path
        let tone = AudioTrack(samples: (0..<(16_000 * 30 / 25)).map { Float(0.2 * sin(Double($0) * 0.05)) }, sampleRate: 16_000)
        let encoder = try VideoEncoder(path: withAudio, width: 48, height: 48,
                                       options: EncodeOptions(frameRate: Rational(25, 1), crf: 10, preset: "fast", audio: tone))
        for f in frames { try encoder.append(f) }
        try encoder.finish()
        let out = dir.appendingPathComponent("dropped-\(mode.rawValue).mp4").path
        let truth = try FrameDropper.drop(input: withAudio, output: out,
                                          options: FrameDropper.Options(settings: DropSettings(model: .bernoulli, rate: rate, seed: seed),
                                                                        timestamps: mode, crf: 10, preset: "fast"))
        return (dir, withAudio, out, truth)
    }

    static func psnr(_ a: VideoFrame, _ b: VideoFrame) throws -> Double {
        try PSNR.compute(try PlanarImage(width: a.width, height: a.height, rgb8: a.rgb), try PlanarImage(width: b.width, height: b.height, rgb8: b.rgb), cap: 100)
    }

    @Test func keptTimestampsGiveTheTruePositionsAndAFullClip() throws {
        let (dir, original, dropped, truth) = try Self.dropped(.keep)
        let out = dir.appendingPathComponent("restored.mp4").path
        let summary = try RestorePipeline.run(input: dropped, output: out, options: RestoreOptions(framesDirectory: dir.appendingPathComponent("frames").path),
                                              restorer: BlendRestorer(), aligner: UniformClipAligner())
        #expect(summary.positionsFrom == "timestamps")
        #expect(summary.positions == truth.positions)
        #expect(summary.slots == 30)
        let info = try MediaInfo.probe(path: out)
        #expect(info.frameCount == 30 && info.timestampGaps.isEmpty)
        #expect(info.video?.frameRate == Rational(25, 1))
        let source = try MediaInfo.probe(path: original)
        #expect(abs(info.audioSampleCount16k - source.audioSampleCount16k) <= 1024)
        // Surviving frames come back at their slots (one more encode: compared with the dropped file's frames).
        let restored = try VideoDecoder(path: out).readAll(), survivors = try VideoDecoder(path: dropped).readAll()
        for (i, slot) in truth.positions.enumerated() {
            let p = try Self.psnr(restored[slot], survivors[i])
            #expect(p > 33, "slot \(slot): \(p) dB")
            // …and not at a neighbouring slot's place: each matches its own slot better than the next one.
            if slot + 1 < 30 { #expect(p > (try Self.psnr(restored[slot + 1], survivors[i])) || truth.positions.contains(slot + 1)) }
        }
        let pngs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("frames").path)
        #expect(pngs.filter { $0.hasSuffix(".png") }.count == 30)
    }

    @Test func strippedTimestampsFallBackToTheAlignerOrATruthFile() throws {
        let (dir, _, dropped, truth) = try Self.dropped(.strip)
        let auto = try RestorePipeline.run(input: dropped, output: dir.appendingPathComponent("a.mp4").path, options: RestoreOptions(),
                                           restorer: HoldRestorer(), aligner: UniformClipAligner())
        #expect(auto.positionsFrom == "uniform")
        #expect(auto.positions.count == truth.positions.count && auto.positions.first == 0)
        #expect(auto.notes.contains { $0.contains("estimated by uniform") })
        let truthPath = TruthFile.defaultPath(forVideo: dropped)
        let known = try RestorePipeline.run(input: dropped, output: dir.appendingPathComponent("b.mp4").path,
                                            options: RestoreOptions(positions: .truthFile(truthPath)), restorer: HoldRestorer(), aligner: nil)
        #expect(known.positions == truth.positions && known.positionsFrom == "truth file")
        // Timestamps alone cannot place stripped frames over the whole audio: asked for explicitly, they give the
        // contiguous positions they imply — and no aligner means an error in auto mode.
        #expect(throws: CorpusError.self) {
            try RestorePipeline.run(input: dropped, output: dir.appendingPathComponent("c.mp4").path, options: RestoreOptions(),
                                    restorer: HoldRestorer(), aligner: nil)
        }
    }

    @Test func aTruthFileOfAnotherVideoIsRefused() throws {
        let (dir, _, dropped, _) = try Self.dropped(.keep)
        let other = try Self.dropped(.keep, rate: 0.5, seed: 9)
        #expect(throws: CorpusError.self) {
            try RestorePipeline.run(input: dropped, output: dir.appendingPathComponent("x.mp4").path,
                                    options: RestoreOptions(positions: .truthFile(TruthFile.defaultPath(forVideo: other.2))),
                                    restorer: HoldRestorer(), aligner: nil)
        }
        #expect(throws: CorpusError.self) {
            try RestorePipeline.run(input: dropped, output: dropped, options: RestoreOptions(), restorer: HoldRestorer(), aligner: nil)
        }
    }

    @Test func croppedRestorerPastesTheFaceWithAFeatheredSeam() throws {
        // Inner restorer: paints the crop white; background: hold. Inside the box (past the ramp) white, outside held.
        struct White: FrameRestorer {
            let name = "white"
            func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
                try slots.map { try SlotFrame(slot: $0, width: left.width, height: left.height, planes: [Float](repeating: 1, count: left.planes.count)) }
            }
        }
        let w = 40, h = 30
        let black = try SlotFrame(slot: 0, width: w, height: h, planes: [Float](repeating: 0, count: 3 * w * h))
        let box = PixelRect(x: 10, y: 5, width: 20, height: 20)
        let r = CroppedRestorer(inner: White(), background: HoldRestorer(), box: box, size: 16, feather: 4)
        let out = try r.restoreGap(left: black, right: black.moved(to: 3), slots: [1, 2], context: GapContext(frameRate: Rational(25, 1)))
        #expect(out.map(\.slot) == [1, 2])
        let p = out[0].planes
        #expect(p[15 * w + 20] > 0.99)          // centre of the box
        #expect(p[0] == 0 && p[29 * w + 39] == 0) // outside
        #expect(p[5 * w + 20] < 0.01)           // on the box border: weight 0
        #expect(p[7 * w + 20] > 0.3 && p[7 * w + 20] < 0.7) // on the ramp
    }
}
