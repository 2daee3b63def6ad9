import ArgumentParser
import Foundation
import Landmarks
import Media
import Tensor

/// `dropfill bench landmarks`: the cost of dlib's 68 landmarks per surviving frame (the alignment budget's share).
struct BenchLandmarksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landmarks",
        abstract: "Time dlib's 68-point landmarks and the lip geometry on the survivors of a clip (k ≈ 234 frames).",
        discussion: """
            The clip's frames are decoded and face-tracked once (not timed; the aligner has them already), then cut to 256² face crops as the pipeline does. Timed: loading the model file (once per process), landmarks on each face crop from the box the crop implies (cascade box mapped to dlib's convention, one refinement), one by one and on two threads, the lip geometry and mouth box of each, and landmarks on the full frames from the tracked cascade box. Frames are reused in order when the clip has fewer than --frames. Medians of --repetitions runs, wall-clock and the working thread's CPU time (the cost without other processes' share of a busy machine).

            Examples:
              dropfill bench landmarks SampleData/obama-sent1.mp4
              dropfill bench landmarks SampleData/grid-bbaf2n.mp4 --frames 234 --json
            """
    )

    @Argument(help: "A talking-face clip.", completion: .file())
    var clip: String = "SampleData/obama-sent1.mp4"

    @Option(help: "Surviving frames to time (60 s at 30 fps with drop rate 0.87 leaves about 234).")
    var frames: Int = 234

    @Option(help: "dlib shape-predictor file.", completion: .file())
    var model: String = LandmarkDetector.defaultModelPath

    @Option(help: "Repetitions (the median is reported).")
    var repetitions: Int = 3

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Row: Encodable {
        var stage: String
        var seconds: Double
        var millisecondsPerFrame: Double?
        /// CPU time of the (single) working thread per frame: the cost without other processes' share of the cores.
        var cpuMillisecondsPerFrame: Double?
    }

    struct Report: Encodable {
        var clip: String
        var frames: Int
        var loadAverage: String
        var stages: [Row]
    }

    func run() throws {
        guard frames >= 1, repetitions >= 1 else { throw ValidationError("--frames and --repetitions must be at least 1") }
        let decoded = try VideoDecoder(path: clip).readAll()
        guard !decoded.isEmpty else { throw ValidationError("\(clip) has no frames") }
        let cropper = try FaceCropper(mode: .track(detectEvery: 5), settings: FaceCropper.Settings(size: 256))
        var squares: [PixelRect] = []
        var crops: [VideoFrame] = []
        for frame in decoded {
            let square = try cropper.cropSquare(for: frame)
            squares.append(square)
            crops.append(try Resampler.resize(frame.cropped(to: square), width: 256, height: 256))
        }
        let pick = (0..<frames).map { $0 % decoded.count }
        func time(_ body: () throws -> Void) rethrows -> Double { try BenchTiming.median(repetitions, body) }
        var rows: [Row] = []
        let t0 = Date()
        let detector = try LandmarkDetector.shared(modelPath: model)
        rows.append(Row(stage: "load the model (once per process)", seconds: Date().timeIntervalSince(t0)))
        var found: [FaceLandmarks] = []
        let cropTime = try time {
            found = try pick.map { try detector.landmarks(inFaceCrop: crops[$0]) }
        }
        let cropCPU = try BenchTiming.medianThreadCPU(repetitions) { _ = try pick.map { try detector.landmarks(inFaceCrop: crops[$0]) } }
        rows.append(Row(stage: "landmarks, 256² face crops (\(frames))", seconds: cropTime, millisecondsPerFrame: 1000 * cropTime / Double(frames),
                        cpuMillisecondsPerFrame: 1000 * cropCPU / Double(frames)))
        let batchTime = time { _ = detector.landmarks(inFaceCrops: pick.map { crops[$0] }, threads: 2) }
        rows.append(Row(stage: "the same on 2 threads", seconds: batchTime, millisecondsPerFrame: 1000 * batchTime / Double(frames)))
        let geometryTime = try time {
            for l in found { _ = try l.lipGeometry(); _ = l.mouthBox() }
        }
        rows.append(Row(stage: "lip geometry + mouth box (\(frames))", seconds: geometryTime, millisecondsPerFrame: 1000 * geometryTime / Double(frames)))
        let settings = FaceCropper.Settings(size: 256)
        let fullRun = { () throws -> Void in
            for i in pick {
                // The cascade box the square was made around, in frame pixels.
                let s = squares[i], side = Double(s.width)
                let inCrop = LandmarkDetector.cascadeBox(inFaceCropOfSide: s.width, settings: settings)
                _ = try detector.landmarks(in: decoded[i], cascadeBox: PixelRect(x: s.x + inCrop.x, y: s.y + inCrop.y,
                                                                                 width: Int(side / settings.enlarge), height: Int(side / settings.enlarge)))
            }
        }
        let fullTime = try time(fullRun), fullCPU = try BenchTiming.medianThreadCPU(repetitions, fullRun)
        rows.append(Row(stage: "landmarks, full \(decoded[0].width)×\(decoded[0].height) frames (\(frames))", seconds: fullTime,
                        millisecondsPerFrame: 1000 * fullTime / Double(frames), cpuMillisecondsPerFrame: 1000 * fullCPU / Double(frames)))
        let load = BenchTiming.loadAverage()
        let report = Report(clip: clip, frames: frames, loadAverage: load, stages: rows)
        if json { try printJSON(report); return }
        print("dlib landmarks: \(frames) surviving frames of \(clip) (\(decoded.count) decoded), load average \(load)")
        for r in rows {
            var per = r.millisecondsPerFrame.map { String(format: "  %7.3f ms/frame", $0) } ?? ""
            per += r.cpuMillisecondsPerFrame.map { String(format: " (CPU %6.3f ms/frame)", $0) } ?? ""
            print("  " + r.stage.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.3f s", r.seconds) + per)
        }
    }
}
