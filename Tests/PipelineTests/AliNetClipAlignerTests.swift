import Training
import Alignment
import DropfillTestSupport
import Foundation
import Media
import Tensor
import Testing
import Corpus
@testable import Pipeline

/// Ali-Net on decoded clips: training material from a synthetic talking face, the clip aligner against uniform,
/// the catalog, and the typed errors of `dropfill align`'s input checks.
@Suite struct AliNetClipAlignerTests {
    static let config = AliNetConfiguration.tiny
    static let fps = Rational(25, 1)

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alinet-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A synthetic talking face (64² frames) driven by `seconds` of real speech starting at `offset`.
    static func syntheticClip(seconds: Double, offset: Double, seed: UInt64) throws -> PreparedClip {
        let audio = TestSpeech.load(seconds: seconds, offset: offset)
        let frames = try SyntheticFace.render(audio: audio, fps: fps, size: 64, seed: seed)
        return PreparedClip(clip: Clip(path: "synthetic-\(seed)", relativePath: "synthetic-\(seed)", person: "s\(seed)"),
                            frames: frames, audio: audio, frameRate: fps)
    }

    @Test func trainingClipHasOneMouthAndSegmentPerFrame() throws {
        let clip = try Self.syntheticClip(seconds: 2, offset: 0.5, seed: 1)
        let t = try AlignmentTraining.trainingClip(clip, configuration: Self.config)
        #expect(t.count == clip.frames.count)
        #expect(t.mouths.count == t.count * Self.config.mouthSize)
        #expect(t.segments.count == t.count * Self.config.segmentSize)
    }

    /// A tiny Ali-Net trained 400 steps on two renderings of the LibriVox reading, frozen as a fixture so the test
    /// asserts on a fixed model, not on a training run whose outcome depends on the CPU's BLAS kernel.
    static let frozenModelPath = FrozenFixture.path("alinet-tiny-librivox.safetensors")

    static func trainingClips() throws -> [AliNetTrainingClip] {
        try [1, 2].map { seed in
            try AlignmentTraining.trainingClip(try Self.syntheticClip(seconds: 4.5, offset: 0.3, seed: UInt64(seed)),
                                               configuration: Self.config)
        }
    }

    @Test(.enabled(if: FrozenFixture.regenerate, Comment(rawValue: FrozenFixture.regenerateReason)))
    func regenerateFrozenModel() throws {
        let train = try Self.trainingClips()
        let network = try AliNet(configuration: Self.config, seed: 3)
        let trainer = AliNetTrainer(network: network, learningRate: 3e-3, seed: 4)
        for _ in 0..<400 { try trainer.step(clips: train, batchSize: 32) }
        try AliNetModel(network: network, metadata: ["fixture": "AliNetClipAlignerTests.regenerateFrozenModel: 400 steps, lr 3e-3, seeds 3/4, LibriVox 0.3-4.8 s rendered with face seeds 1 and 2"])
            .save(to: Self.frozenModelPath)
    }

    @Test func frozenAliNetBeatsUniformOnASyntheticClip() throws {
        // The LibriVox reading is 7.1 s: the fixture was trained on two renderings of 0.3–4.8 s; align new drop
        // patterns of the first. In-sample on purpose: this checks the decoded-clip pipeline (crops, segments,
        // distances, retrieval), not generalisation — generalisation is what the real held-out corpus measures.
        let train = try Self.trainingClips()
        let network = try AliNetModel.load(path: Self.frozenModelPath, expecting: Self.config).network
        let model = AliNetModel(network: network)
        let test = try Self.syntheticClip(seconds: 4.5, offset: 0.3, seed: 1)
        let prepared = try AlignmentTraining.trainingClip(test, configuration: Self.config)
        let seeds = 6
        let dp = try AlignmentTraining.bias(model: model, retrieval: .dp, clips: [prepared], rate: 0.8, seeds: seeds)
        let uniform = try AlignmentTraining.uniformBias(clips: [prepared], rate: 0.8, seeds: seeds)
        // Column-normalised distances and the posterior median at T = 0.1 × the spread of the training clips'
        // distances halve the even spread's Ali_b (measured on the committed fixture: dp 62, posterior 35, uniform 145, the same with every BLAS kernel tried).
        model.calibration.normaliseColumns = true
        let d = try model.distances(mouths: train[0].mouths, frameCount: train[0].count, segments: train[0].segments,
                                    slotCount: train[0].count).values.sorted()
        model.calibration.temperature = 0.1 * Double(d[d.count * 9 / 10] - d[d.count / 10])
        let posterior = try AlignmentTraining.bias(model: model, retrieval: .posterior, clips: [prepared], rate: 0.8, seeds: seeds)
        #expect(dp.mean < uniform.mean, "dp \(dp.mean) vs uniform \(uniform.mean)")
        // Every run's Ali_b is kept in clip-and-seed order, so two summaries pair run by run; only the means are stored.
        #expect(dp.totals.count == seeds && uniform.totals.count == seeds)
        #expect(abs(dp.totals.reduce(0, +) / Double(seeds) - dp.mean) < 1e-9)
        let stored = try JSONDecoder().decode(AlignmentTraining.BiasSummary.self, from: try JSONEncoder().encode(dp))
        #expect(stored.mean == dp.mean && stored.runs == dp.runs && stored.totals.isEmpty)
        #expect(2 * posterior.mean < uniform.mean, "posterior \(posterior.mean) vs uniform \(uniform.mean)")

        // The clip aligner gives the same answer as the prepared-clip path for one drop pattern.
        let mask = try DropSimulation.keepMask(frameCount: test.frames.count, settings: DropSettings(rate: 0.8, seed: 0))
        let truth = DropSimulation.survivingPositions(mask)
        let aligner = AliNetClipAligner(model: model, retrieval: .dp)
        let estimate = try aligner.align(survivors: truth.map { test.frames[$0] }, slotCount: test.frames.count,
                                         fps: test.frameRate.value, audio: test.slotAudio())
        #expect(estimate.positions.count == truth.count)
        #expect(estimate.isStrictlyIncreasing)
        #expect(estimate.estimator == "dp")
    }

    @Test func visualAlignerFollowsThePaceOfChange() throws {
        // 150 frames whose brightness drifts steadily (plus sensor noise): the change between two survivors grows
        // with the number of frames lost between them, which is what `visual` reads. It must beat the even spread
        // clearly. (On real faces the pace of change varies too; there it gains less, see README.)
        let n = 150, side = 32
        var level = 0.1
        var noise = SeededGenerator(seed: 9)
        let frames = try (0..<n).map { t -> VideoFrame in
            level += 0.004  // 0.1 … 0.7: no clipping with the texture and noise on top
            let v = UInt8(min(255, max(0, level * 255)))
            var rgb = [UInt8](repeating: v, count: side * side * 3)
            for i in stride(from: 0, to: rgb.count, by: 7) { rgb[i] = rgb[i] &+ 40 }  // fixed texture
            for i in rgb.indices { rgb[i] = rgb[i] &+ UInt8.random(in: 0...1, using: &noise) }  // sensor noise
            return try VideoFrame(width: side, height: side, rgb: rgb)
        }
        // The gap likelihood fitted on other drop patterns of the same material (as `train-align` fits it on the
        // training clips): here the change is proportional to the gap, so the slope is near 1.
        var changes: [[Float]] = [], gaps: [[Int]] = []
        for seed in 100..<108 {
            let truth = DropSimulation.survivingPositions(try DropSimulation.keepMask(frameCount: n, settings: DropSettings(rate: 0.85, seed: UInt64(seed))))
            changes.append(try VisualClipAligner.thumbnailChange(truth.map { frames[$0] }))
            gaps.append(zip(truth.dropFirst(), truth).map { $0 - $1 })
        }
        let fit = try GapLikelihood.fit(changes: changes, gaps: gaps)
        #expect(fit.slope > 0.8, "slope \(fit.slope)")
        var visual = 0, uniform = 0
        for seed in 0..<8 {
            let mask = try DropSimulation.keepMask(frameCount: n, settings: DropSettings(rate: 0.85, seed: UInt64(seed)))
            let truth = DropSimulation.survivingPositions(mask)
            let e = try VisualClipAligner(gapLikelihood: fit).align(survivors: truth.map { frames[$0] }, slotCount: n)
            #expect(e.isStrictlyIncreasing && e.positions.first == 0 && e.positions.last == n - 1)
            let u = try UniformEstimator.positions(frames: truth.count, slots: n)
            visual += zip(e.positions, truth).reduce(0) { $0 + abs($1.0 - $1.1) }
            uniform += zip(u, truth).reduce(0) { $0 + abs($1.0 - $1.1) }
        }
        #expect(Double(visual) < 0.5 * Double(uniform), "visual Ali_b \(visual) vs uniform \(uniform) over 8 seeds")
        #expect(throws: AlignmentError.self) { try VisualClipAligner().align(survivors: Array(frames.prefix(5)), slotCount: 4) }
        #expect(throws: AlignmentError.self) { try VisualClipAligner().align(survivors: [], slotCount: 4) }
    }

    @Test func olderModelCalibrationsStillLoad() throws {
        // The first shipped model's calibration: a linear continuity line and the retrieval name "dp-prior-visual".
        let json = #"{"lambda":0.1,"continuity":{"weight":0.05,"intercept":3.1,"slope":16.4},"thresholdBeta":-2.3,"temperature":0.78,"best":"dp-prior-visual","posteriorContinuity":{"weight":0,"intercept":3.1,"slope":16.4},"normaliseColumns":true}"#
        let c = try JSONDecoder().decode(AliNetCalibration.self, from: Data(json.utf8))
        #expect(c.continuity == nil)
        #expect(c.best == .dpPrior)
        #expect(c.temperature == 0.78 && c.normaliseColumns == true)
        let back = try JSONDecoder().decode(AliNetCalibration.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }

    @Test func catalogKnowsEveryNameAndRefusesUnknownOnes() throws {
        #expect(AlignerCatalog.all.contains("visual"))
        #expect(try AlignerCatalog.make("visual", locator: ModelLocator()).name == "visual")
        #expect(AlignerCatalog.all.contains("aligner"))
        #expect(AlignerCatalog.all.contains("dp-prior"))
        #expect(try AlignerCatalog.make("uniform", locator: ModelLocator()).name == "uniform")
        #expect(throws: CorpusError.self) { try AlignerCatalog.make("nonsense", locator: ModelLocator()) }
        let dir = try Self.scratch()
        let path = dir.appendingPathComponent("m.safetensors").path
        try AliNetModel(network: try AliNet(configuration: Self.config)).save(to: path)
        let a = try AlignerCatalog.make("dp", locator: ModelLocator(alignerModel: path))
        #expect(a.name == "dp")
        #expect(throws: (any Error).self) { try AlignerCatalog.make("dp", locator: ModelLocator(alignerModel: dir.appendingPathComponent("missing").path)) }
    }

    // MARK: - Input checks of dropped clips

    static func writeVideo(_ path: String, frames: Int, audioSeconds: Double?) throws {
        let audio = audioSeconds.map { TestSpeech.load(seconds: $0, offset: 0.5) }
        let encoder = try VideoEncoder(path: path, width: 64, height: 64,
                                       options: EncodeOptions(frameRate: fps, crf: 20, preset: "ultrafast", audio: audio))
        let rendered = try SyntheticFace.render(audio: TestSpeech.load(seconds: Double(frames) / 25 + 0.1), fps: fps, size: 64)
        for f in rendered.prefix(frames) { try encoder.append(f) }
        try encoder.finish()
    }

    @Test func droppedClipWithoutAudioAlignsByPictureButNotByAliNet() throws {
        let path = try Self.scratch().appendingPathComponent("silent.mp4").path
        try Self.writeVideo(path, frames: 10, audioSeconds: nil)
        let clip = try DroppedClip.open(path: path)
        #expect(clip.audio.track == nil && clip.slotCount == 10)
        let aliNet = AliNetClipAligner(model: AliNetModel(network: try AliNet(configuration: Self.config)), retrieval: .dp)
        #expect { try clip.align(with: aliNet) } throws: { e in
            if case AlignmentError.missingInput = e { return true } else { return false }
        }
    }

    @Test func audioShorterThanTheVideoTakesTheSlotsFromTheVideo() throws {
        let path = try Self.scratch().appendingPathComponent("short.mp4").path
        try Self.writeVideo(path, frames: 40, audioSeconds: 0.5)
        let clip = try DroppedClip.open(path: path)
        #expect(clip.grid.audioSlots == 12 || clip.grid.audioSlots == 13)
        #expect(clip.slotCount == 40)
        #expect(try clip.positions(.auto, aligner: UniformClipAligner()).positions == Array(0..<40))
    }

    @Test func moreSurvivorsThanSlotsIsATypedError() throws {
        let path = try Self.scratch().appendingPathComponent("many.mp4").path
        try Self.writeVideo(path, frames: 12, audioSeconds: 1)
        #expect { try DroppedClip.open(path: path, slots: 5) } throws: { e in
            if case AlignmentError.moreFramesThanSlots(frames: 12, slots: 5) = e { return true } else { return false }
        }
        let ok = try DroppedClip.open(path: path)
        #expect(ok.slotCount >= 24 && ok.slotCount <= 26)
        #expect(ok.survivorCount == 12)
    }
}
