import DropfillTestSupport
import Evaluation
import Pipeline
import Foundation
import Testing
import Media
import Metrics
import Restoration
@testable import Corpus
@testable import Evaluation

/// The evaluation harness: scores only restored frames, orders methods sensibly, resumes, shards and merges.
@Suite struct EvaluatorTests {
    static func movingClip(in dir: URL, name: String = "moving.mp4", frames: Int = 40, size: Int = 64) throws -> Clip {
        try TestClips.movingClip(in: dir, name: name, frames: frames, size: size)
    }

    static func scratch() throws -> URL { try TestClips.scratch() }

    static let settings = EvaluationSettings(drop: DropSettings(model: .every, rate: 0.75, seed: 1), seeds: 1,
                                             preparation: ClipPreparation(crop: .none, size: 64))

    @Test func holdScoresLowestOnAClipWithMotion() throws {
        let dir = try Self.scratch()
        let clip = try PreparedClip.load(try Self.movingClip(in: dir), preparation: Self.settings.preparation)
        let evaluator = Evaluator(settings: Self.settings, restorers: try RestorerCatalog.names(list: "hold,blend,minterpolate").map { try RestorerCatalog.make($0, modelPath: nil) })
        let result = try evaluator.evaluate(clip, seed: 1)
        let psnr = Dictionary(uniqueKeysWithValues: result.methods.map { ($0.method, $0.all.psnr) })
        #expect(result.methods.map(\.method) == ["hold", "blend", "minterpolate"])
        let hold = try #require(psnr["hold"]), blend = try #require(psnr["blend"]), mi = try #require(psnr["minterpolate"])
        #expect(hold < blend && hold < mi, "hold \(hold), blend \(blend), minterpolate \(mi)")
        // Only dropped frames are scored: n − k of them.
        #expect(result.methods[0].all.frames == result.slotCount - result.survivors)
        #expect(result.positionBias == nil)
    }

    @Test func uniformAlignerReportsPositionBias() throws {
        let dir = try Self.scratch()
        let clip = try PreparedClip.load(try Self.movingClip(in: dir), preparation: Self.settings.preparation)
        var settings = Self.settings
        settings.drop.model = .bernoulli
        settings.positions = "uniform"
        let evaluator = Evaluator(settings: settings, restorers: [HoldRestorer()], aligner: UniformClipAligner())
        let result = try evaluator.evaluate(clip, seed: 3)
        let bias = try #require(result.positionBias)
        #expect(bias.frames == result.survivors)
        // Uniform keeps the first and last frame exact (both always survive).
        #expect(bias.exact >= 2)
    }

    @Test func resumeSkipsScoredClipsAndShardsMergeToTheWhole() throws {
        let dir = try Self.scratch()
        let clips = try (0..<3).map { try Self.movingClip(in: dir, name: "c\($0).mp4", frames: 12, size: 32) }
        var settings = Self.settings
        settings.preparation.size = 32
        settings.seeds = 2
        let evaluator = Evaluator(settings: settings, restorers: [HoldRestorer(), BlendRestorer()])
        let state = dir.appendingPathComponent("state")
        let whole = EvaluationStore(directory: state)
        try whole.open(settings: settings)
        let first = try evaluator.run(clips: clips, store: whole)
        #expect(first.count == 6)
        // A second run finds everything done: nothing new is appended.
        var reported: [Evaluator.Progress] = []
        let again = try evaluator.run(clips: clips, store: whole) { reported.append($0) }
        #expect(again.count == 6 && reported.count == 1 && reported[0].done == 6)
        // A run over part of the clips in the same folder returns only theirs (the others stay in the folder).
        let part = try evaluator.run(clips: [clips[1]], store: whole)
        #expect(part.count == 2 && part.allSatisfy { $0.clip == clips[1].relativePath })
        #expect(try evaluator.run(clips: clips, store: whole).count == 6)
        // Other settings are refused for the same folder.
        var other = settings
        other.drop.rate = 0.5
        #expect(throws: CorpusError.self) { try whole.open(settings: other) }
        // Two shards cover every clip exactly once, and merging them gives the same keys.
        let sharded = dir.appendingPathComponent("sharded")
        for i in 0..<2 {
            let store = EvaluationStore(directory: sharded, shard: try EvaluationStore.Shard(parsing: "\(i)/2"))
            try store.open(settings: settings)
            _ = try evaluator.run(clips: clips, store: store)
        }
        let merged = try EvaluationStore.merge(directory: sharded)
        #expect(Set(merged.map(\.key)) == Set(first.map(\.key)))
        let report = try EvaluationReport(settings: settings, results: merged)
        #expect(report.rows.map(\.method) == ["hold", "blend"])
        #expect(report.rows[0].psnr.count == 6)
        #expect(EvaluationReport.csv(merged).split(separator: "\n").count == 1 + 12)
    }

    @Test func tornLastLineIsIgnoredOtherBadLinesAreErrors() throws {
        let dir = try Self.scratch()
        let file = dir.appendingPathComponent("results.jsonl")
        try Data("{\"clip\": \"x\"".utf8).write(to: file)
        #expect(try EvaluationStore.read(file).isEmpty)
        try Data("garbage\n".utf8).write(to: file)
        #expect(throws: CorpusError.self) { try EvaluationStore.read(file) }
    }

    @Test func badInputIsAClearError() throws {
        let dir = try Self.scratch()
        #expect(throws: CorpusError.self) { try EvaluationStore.Shard(parsing: "3/2") }
        #expect(throws: CorpusError.self) { try Corpus(path: dir.path) }
        let short = try Self.movingClip(in: dir, name: "short.mp4", frames: 2, size: 32)
        #expect(throws: CorpusError.self) { try PreparedClip.load(short, preparation: ClipPreparation(crop: .none, size: 32)) }
        let clip = try PreparedClip.load(try Self.movingClip(in: dir, frames: 10, size: 32), preparation: ClipPreparation(crop: .none, size: 32))
        var settings = Self.settings
        settings.drop.rate = 1.5
        #expect(throws: CorpusError.self) { try Evaluator(settings: settings, restorers: [HoldRestorer()]).evaluate(clip, seed: 0) }
    }

    @Test func sweepPlotIsAnImageWithOneColourPerMethod() throws {
        let dir = try Self.scratch()
        let clip = try PreparedClip.load(try Self.movingClip(in: dir, frames: 20, size: 32), preparation: ClipPreparation(crop: .none, size: 32))
        var reports: [EvaluationReport] = []
        for rate in [0.5, 0.75] {
            var settings = Self.settings
            settings.drop.rate = rate
            let r = try Evaluator(settings: settings, restorers: [HoldRestorer(), BlendRestorer()]).evaluate(clip, seed: 0)
            reports.append(try EvaluationReport(settings: settings, results: [r]))
        }
        let image = try EvaluationReport.sweepPlot(reports)
        #expect(image.width == 640 && image.height == 420)
        for (r, g, b) in LinePlot.palette.prefix(2) {
            let present = stride(from: 0, to: image.rgb.count, by: 3).contains { image.rgb[$0] == r && image.rgb[$0 + 1] == g && image.rgb[$0 + 2] == b }
            #expect(present)
        }
    }

    @Test func faceCropBoxIsSquareInsideTheFrame() throws {
        let frame = try VideoFrame(width: 360, height: 288, rgb: [UInt8](repeating: 0, count: 360 * 288 * 3))
        let box = try FaceCrop.square(around: [PixelRect(x: 100, y: 40, width: 80, height: 90), PixelRect(x: 104, y: 42, width: 78, height: 88)],
                                      in: frame)
        #expect(box.width == box.height && box.width >= 100)
        #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= 360 && box.y + box.height <= 288)
        #expect(try FaceCrop.square(around: [], in: frame) == PixelRect(x: 36, y: 0, width: 288, height: 288))
    }
}
