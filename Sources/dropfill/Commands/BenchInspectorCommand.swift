import Alignment
import ArgumentParser
import Foundation
import Inspector
import Media
import Metrics

/// `dropfill bench inspector`: redraw times of the inspector's views and the sixel encoder, and the playback rate.
struct BenchInspectorCommand: ParsableCommand, BenchRole {
    static let repetitions = 21

    static let configuration = CommandConfiguration(
        commandName: "inspector",
        abstract: "Measure the inspector: full redraws of a 60 s clip's alignment and DP views, sixel encoding, playback.",
        discussion: """
            The alignment case is a 60 s clip at 30 fps after 87% loss: 250 surviving frames × 1800 slots, rendered into the screen model at 120×40 and 200×60 (all drawing, no terminal output). Sixel: a real 256² frame of the sample, 128 adaptive colours (what the inspector uses). Playback of two 256² panels needs two encodes a frame; the sustainable rate is printed beside the clip's 25 fps. Goals: redraw < 20 ms, sixel < 10 ms, playback ≥ the clip's frame rate.

            Example:
              dropfill bench inspector --repetitions 21
            """
    )

    @OptionGroup
    var benchOptions: BenchOptions<BenchInspectorCommand>

    /// The shared options under the names the measurement reads.
    var repetitions: Int { benchOptions.repetitions }
    var json: Bool { benchOptions.json }

    struct Report: Codable {
        var alignmentViewMs: [String: Double]
        var dpStepViewMs: [String: Double]
        var sixel256Ms: Double
        var sixelBytes: Int
        var playbackFramesPerSecond: Double
        var load: String
    }

    func run() throws {
        let k = 250, n = 1800
        var v = [Float](repeating: 0, count: k * n)
        for i in 0..<k { for j in 0..<n { v[i * n + j] = Float(abs(j - i * 7)) / 100 + Float((i * 31 + j * 17) % 13) / 50 } }
        let d = try DistanceMatrix(rows: k, columns: n, values: v)
        let trace = try DynamicPositionRetrieval.solve(d)
        let session = try InspectorSession(clipName: "bench", fps: 30, n: n, k: k, distance: d, truePositions: (0..<k).map { $0 * 7 },
                                           alignments: [AlignmentResult(name: "dp", predicted: trace.positions, trace: trace)], methods: [])
        let loader = ThemeLoader()
        let themes = ["dark"].compactMap { try? loader.load($0) }
        var state = InspectorState(clipName: "bench", graphics: .truecolor, availableGraphics: [.truecolor], themes: themes,
                                   colormaps: loader.availableColormaps().compactMap { try? loader.loadColormap($0) }, glyphs: .unicode)
        state.session = session
        state.slot = 900
        state.row = 120
        var ui = InspectorUI(state: state)
        var align: [String: Double] = [:], step: [String: Double] = [:]
        for (w, h) in [(120, 40), (200, 60)] {
            let key = "\(w)x\(h)"
            _ = ui.perform(.viewAlignment)
            align[key] = median { _ = ui.render(width: w, height: h) }
            _ = ui.perform(.viewStep)
            _ = ui.perform(.stepFinish)
            step[key] = median { _ = ui.render(width: w, height: h) }
        }
        let sample = SampleLocator.sample
        guard let frame = try VideoDecoder(path: sample, options: DecodeOptions(size: (256, 256))).nextFrame() else {
            throw ValidationError("cannot decode \(sample)")
        }
        let encoder = SixelEncoder(colors: 128)
        var bytes = 0
        let sixel = median { bytes = (try? encoder.encode(frame))?.count ?? 0 }
        let load = BenchTiming.loadAverage()
        let report = Report(alignmentViewMs: align, dpStepViewMs: step, sixel256Ms: sixel, sixelBytes: bytes,
                            playbackFramesPerSecond: 1000 / max(1e-6, 2 * sixel), load: load)
        if json { try printJSON(report); return }
        print("load average \(load); medians of \(repetitions)")
        for key in ["120x40", "200x60"] {
            print(String(format: "alignment view 250×1800 at %@: %.2f ms per full redraw; DP step view: %.2f ms", key, align[key] ?? 0, step[key] ?? 0))
        }
        print(String(format: "sixel 256×256 real frame, 128 colours: %.2f ms (%d bytes)", sixel, bytes))
        print(String(format: "playback of two 256² sixel panels: %.1f frames/s sustainable (clip: 25 fps)", report.playbackFramesPerSecond))
    }

    private func median(_ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }
}

/// Finds the bundled sample from the current directory or above the executable.
enum SampleLocator {
    static var sample: String {
        let relative = "SampleData/grid-bbaf2n.mp4"
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative)]
        for _ in 0..<5 {
            dir = dir.deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent(relative))
        }
        return (candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]).path
    }
}
