import Alignment
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
    static func dropped(_ mode: TimestampMode, rate: Double = 0.7, seed: UInt64 = 2, audioFrames: Int = 30) throws -> (URL, String, String, TruthFile) {
        let dir = try TestClips.scratch()
        let clip = try TestClips.movingClip(in: dir, frames: 30, size: 48)
        // Give it audio: re-encode the frames with a tone.
        let frames = try VideoDecoder(path: clip.path).readAll()
        let withAudio = dir.appendingPathComponent("with audio.mp4").path
        let tone = AudioTrack(samples: (0..<(16_000 * audioFrames / 25)).map { Float(0.2 * sin(Double($0) * 0.05)) }, sampleRate: 16_000)
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

    @Test func keptTimestampsGiveTheOriginalFrameCountEvenWhenTheAudioIsLonger() throws {
        // Audio two frames longer than the video (as an Obama clip's is): the timestamps say 30 frames, so 30 come out.
        let (dir, _, dropped, truth) = try Self.dropped(.keep, audioFrames: 32)
        let out = dir.appendingPathComponent("restored.mp4").path
        let summary = try RestorePipeline.run(input: dropped, output: out, options: RestoreOptions(), restorer: BlendRestorer(),
                                              aligner: UniformClipAligner())
        #expect(summary.positionsFrom == "timestamps" && summary.positions == truth.positions)
        #expect(summary.slots == 30)
        #expect(try VideoDecoder(path: out).readAll().count == 30)
    }

    @Test func timestampPositionsWithoutUsableTimestampsAreAnError() throws {
        let (dir, _, dropped, _) = try Self.dropped(.strip)
        #expect(throws: AlignmentError.self) {
            try RestorePipeline.run(input: dropped, output: dir.appendingPathComponent("t.mp4").path,
                                    options: RestoreOptions(positions: .timestamps), restorer: HoldRestorer(), aligner: UniformClipAligner())
        }
    }

    @Test func theDecodePlanReadsTheVideoTwiceWithTimestampsAndThreeTimesWithAPictureAligner() throws {
        let (dir, _, kept, _) = try Self.dropped(.keep)
        let a = try RestorePipeline.run(input: kept, output: dir.appendingPathComponent("a.mp4").path, options: RestoreOptions(),
                                        restorer: HoldRestorer(), aligner: VisualClipAligner())
        #expect(a.positionsFrom == "timestamps")
        #expect(a.videoDecodes == 2 && a.audioDecodes == 2)
        let (dir2, _, stripped, _) = try Self.dropped(.strip)
        let b = try RestorePipeline.run(input: stripped, output: dir2.appendingPathComponent("b.mp4").path, options: RestoreOptions(),
                                        restorer: HoldRestorer(), aligner: VisualClipAligner())
        #expect(b.positionsFrom == "visual")
        #expect(b.videoDecodes == 3 && b.audioDecodes == 2)
    }

    @Test func theDefaultMethodIsTheOneREADMERanksFirst() throws {
        // README's held-out FE-Net table: the method with the highest face-crop PSNR is every face's default.
        let readme = try String(contentsOf: BuiltProduct.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let header = try #require(readme.range(of: "| method | PSNR (dB) | SSIM | MS-SSIM | PSNR, speech frames | SSIM, speech frames"))
        var best: (String, Double)?
        for line in readme[header.upperBound...].split(separator: "\n").dropFirst(2) {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let psnr = Double(cells[1].replacingOccurrences(of: "*", with: "").split(separator: " ").first ?? "") ?? -1
            if psnr > (best?.1 ?? -.infinity) { best = (cells[0], psnr) }
        }
        #expect(best?.0 == RestorerFactory.defaultMethod, "README ranks \(best?.0 ?? "nothing") first")
    }

    @Test func theFactoryPutsLearnedMethodsOnTheFaceSquareOnly() throws {
        let dir = try TestClips.scratch()
        let model = dir.appendingPathComponent("fenet.safetensors").path
        try FENet(config: .tiny).save(path: model, metadata: [:])
        let factory = RestorerFactory(locator: ModelLocator(restorationModels: dir.path), faceSize: 64)
        let box = PixelRect(x: 4, y: 4, width: 32, height: 32)
        #expect(try factory.make("fenet", faceBox: box) is CroppedRestorer)
        #expect(try factory.make("blend", faceBox: box) is BlendRestorer)
        #expect(try factory.make("fenet", faceBox: nil) is FENetRestorer)
        var whole = factory
        whole.wholeFrame = true
        #expect(try whole.make("fenet", faceBox: box) is FENetRestorer)
        #expect(throws: RestorationError.self) { try RestorerFactory(locator: ModelLocator(searchFolders: [dir.path + "/none"])).make("fenet", faceBox: box) }
    }

    @Test func theModelLocatorSearchesFlagsThenEnvironmentThenTheCheckout() throws {
        let dir = try TestClips.scratch()
        let env = dir.appendingPathComponent("env").path, work = dir.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: env, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work + "/SampleData/models", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: work + "/SampleData/models/alinet.safetensors"))
        try Data().write(to: URL(fileURLWithPath: env + "/fenet.safetensors"))
        let l = ModelLocator.standard(environment: ["DROPFILL_MODELS": env], executable: nil, workingDirectory: work)
        #expect(l.searchFolders.first == env)
        #expect(l.alignerModelPath() == work + "/SampleData/models/alinet.safetensors")
        #expect(try l.restorationModelPath(for: "fenet") == env + "/fenet.safetensors")
        #expect(throws: RestorationError.self) { try l.restorationModelPath(for: "fenet-noaudio") }
        let flagged = ModelLocator.standard(alignerModel: "/given/alinet.safetensors", environment: [:], executable: nil, workingDirectory: work)
        #expect(flagged.alignerModelPath() == "/given/alinet.safetensors")
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
