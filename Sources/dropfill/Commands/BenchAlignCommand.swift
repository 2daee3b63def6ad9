import Pipeline
import Alignment
import ArgumentParser
import Corpus
import Foundation
import Media
import Tensor

/// `dropfill bench align`: time Ali-Net alignment of a long clip (decoding excluded).
struct BenchAlignCommand: ParsableCommand, BenchRole, ThreadRole {
    static let repetitions = 3
    static let threads = 2

    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Time Ali-Net alignment of a 60 s clip at 30 fps (k ≈ 234 survivors, n = 1800 slots).",
        discussion: """
            Each stage on inputs of the real sizes (256² RGB face crops, 16 kHz audio): mouth crops, MFCC slot segments, both encoders, the distance matrix (Eq. 8), each retrieval; then the default aligner's own stages: phones of real speech (pocketsphinx-testdata's LibriVox readings), the lip-geometry model, dlib's landmarks on the survivors, the fused posterior. Two totals: the sum of the default aligner's stages, and one call of it as restore runs it, on real face crops (--faces, cycled). The weights do not change the time; the shipped models are used when found. Video decoding and face detection are not included. Medians of --repetitions runs; OpenBLAS threads follow OPENBLAS_NUM_THREADS, else --threads (default 2).

            Examples:
              dropfill bench align
              dropfill bench align --seconds 10 --fps 25 --json
            """
    )

    @Option(help: "Clip length, seconds.")
    var seconds: Double = 60

    @Option(help: "Frame rate.")
    var fps: Double = 30

    @Option(help: "Drop rate (survivors = round(n × (1 − rate))).")
    var rate: Double = 0.87

    @Option(help: "Ali-Net model file (default: the shipped model, else an untrained network).", completion: .file())
    var model: String?

    @Option(help: "Clip whose face crops, cycled, are the survivors of the one-call total.", completion: .file())
    var faces = "SampleData/grid-bbaf2n.mp4"

    @OptionGroup
    var bench: BenchOptions<BenchAlignCommand>

    @OptionGroup
    var threads: ThreadOptions<BenchAlignCommand>

    struct Row: Encodable {
        var stage: String
        var seconds: Double
    }

    struct Report: Encodable {
        var frames: Int
        var slots: Int
        var threads: Int
        var loadAverage: String
        var stages: [Row]
    }

    func run() throws {
        threads.configure()
        let repetitions = bench.repetitions
        guard seconds > 0, fps > 0, rate > 0, rate < 1 else { throw ValidationError("bad sizes") }
        let aliModel: AliNetModel
        if let path = ModelLocator.forProcess(alignerModel: model).alignerModelPath() {
            aliModel = try AliNetModel.load(path: path)
        } else {
            aliModel = AliNetModel(network: try AliNet(configuration: AliNetConfiguration()),
                                   calibration: AliNetCalibration(temperature: 1, normaliseColumns: true))
        }
        let c = aliModel.configuration
        let n = Int((seconds * fps).rounded()), k = max(1, Int((Double(n) * (1 - rate)).rounded()))
        var rng = SeededGenerator(seed: 1)
        let audio = (0..<Int(seconds * 16_000)).map { _ in Float.random(in: -0.3...0.3, using: &rng) }
        let frames = (0..<k).map { _ in (0..<(256 * 256 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        func time(_ body: () throws -> Void) rethrows -> Double { try BenchTiming.median(repetitions, body) }
        var mouths: [Float] = [], segments: [Float] = []
        var rows: [Row] = []
        rows.append(Row(stage: "mouth crops (\(k))", seconds: try time {
            mouths = try frames.flatMap { try AliNetInputs.mouth(rgb: $0, width: 256, height: 256, configuration: c) }
        }))
        rows.append(Row(stage: "MFCC slot segments (\(n))", seconds: try time {
            segments = try SlotAudio(track: AudioTrack(samples: audio, sampleRate: AudioTrack.engineSampleRate), fps: fps, slotCount: n).aliNetSegments(c)
        }))
        rows.append(Row(stage: "Video-Ali (\(k) crops)", seconds: try time { _ = try aliModel.network.embedMouths(mouths, count: k) }))
        rows.append(Row(stage: "Audio-Ali (\(n) segments)", seconds: try time { _ = try aliModel.network.embedSegments(segments, count: n) }))
        var d: DistanceMatrix?
        rows.append(Row(stage: "encoders + distances (\(k)×\(n))", seconds: try time {
            d = try aliModel.distances(mouths: mouths, frameCount: k, segments: segments, slotCount: n)
        }))
        if let d {
            var cue: [Float] = []
            rows.append(Row(stage: "thumbnail changes (\(k))", seconds: try time {
                cue = try VisualChange.thumbnailChange(thumbnails: try frames.map { try VisualChange.thumbnail(rgb: $0, width: 256, height: 256) })
            }))
            for kind in AliNetRetrieval.allCases {
                rows.append(Row(stage: "retrieval \(kind.rawValue)", seconds: try time {
                    _ = try aliModel.estimator(kind).estimate(AlignmentInput(distances: d, visualChange: kind.usesVisualChange ? cue : nil))
                }))
            }
            rows.append(Row(stage: "retrieval visual (no distances)", seconds: try time {
                _ = try VisualEstimator().estimate(AlignmentInput(frameCount: k, slotCount: n, visualChange: cue))
            }))
            let lips = try lipsStages(frames: frames, slots: n, distances: d, change: cue, aliNet: aliModel, time: time)
            rows += lips
            if !lips.isEmpty {
                // The default aligner's own stages: mouth crops, MFCC segments, encoders + distances, thumbnails,
                // then phones, cues, landmarks and the fused posterior (a sum of medians; phones and landmarks
                // are not repeated per drop pattern in a real run, but a single restore pays all of them once).
                let shared = rows.filter { r in
                    ["mouth crops", "MFCC slot segments", "encoders + distances", "thumbnail changes"].contains { r.stage.hasPrefix($0) }
                }
                rows.append(Row(stage: "total, posterior-lips, the default aligner (sum of its stages)",
                                seconds: (shared + lips).reduce(0) { $0 + $1.seconds }))
                if let row = try oneCallRow(faces: faces, survivors: k, slots: n, time: time) { rows.append(row) }
            }
        }
        let best = aliModel.calibration.best ?? .dpPrior
        rows.append(Row(stage: "total, Ali-Net alone (its calibrated \(best.rawValue), one call)", seconds: try time {
            let change = try VisualChange.thumbnailChange(thumbnails: try frames.map { try VisualChange.thumbnail(rgb: $0, width: 256, height: 256) })
            _ = try aliModel.align(mouths: try frames.flatMap { try AliNetInputs.mouth(rgb: $0, width: 256, height: 256, configuration: c) },
                                   frameCount: k,
                                   segments: try SlotAudio(track: AudioTrack(samples: audio, sampleRate: AudioTrack.engineSampleRate), fps: fps, slotCount: n).aliNetSegments(c),
                                   slotCount: n, retrieval: best, faceChange: best.usesVisualChange ? change : nil)
        }))
        let load = BenchTiming.loadAverage()
        let report = Report(frames: k, slots: n, threads: Parallel.blasThreads, loadAverage: load, stages: rows)
        if bench.json { try printJSON(report); return }
        print("Ali-Net alignment: \(k) surviving frames, \(n) slots, \(report.threads) OpenBLAS thread(s), load average \(load)")
        for r in rows { print("  " + r.stage.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.3f s", r.seconds)) }
    }
}
