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
            The alignment case is a 60 s clip at 30 fps after 87% loss: 250 surviving frames × 1800 slots, rendered into the screen model at 120×40 and 200×60 (all drawing, no terminal output). Sixel: two real 256² frames of the sample side by side (as the frames view shows them), encoded the way the inspector does (one palette for both from the terminal's colour registers, 1024 here as xterm -ti vt340 reports, Floyd–Steinberg diffusion of half the error; full diffusion and none are shown too) and the way it did before issue 15 (libsixel, 128 colours per image, no diffusion), each decoded back and scored by PSNR against its source. Playback needs one such pair a frame; the sustainable rate is printed beside the clip's 25 fps. Goals: redraw < 20 ms, playback ≥ the clip's frame rate, PSNR gain ≥ 4 dB.

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
        /// Encode time of the side-by-side pair (ms) and its bytes, per encoder.
        var sixelPairMs: [String: Double]
        var sixelPairBytes: [String: Int]
        /// PSNR (dB) of the decoded pair against its source, per encoder.
        var sixelPairPSNR: [String: Double]
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
        let decoder = try VideoDecoder(path: sample, options: DecodeOptions(size: (256, 256)))
        var pair: [RGBImage] = []
        while pair.count < 2, let f = try decoder.nextFrame() {
            if f.index == 0 || f.index == 40 { pair.append(f) }
        }
        guard pair.count == 2 else { throw ValidationError("cannot decode two frames of \(sample)") }
        let source = try PlanarImage(width: 256, height: 512, rgb8: pair[0].rgb + pair[1].rgb)
        func score(_ decoded: [RGBImage]) throws -> Double {
            try PSNR.compute(PlanarImage(width: 256, height: 512, rgb8: decoded[0].rgb + decoded[1].rgb), source)
        }
        var ms: [String: Double] = [:], bytes: [String: Int] = [:], psnr: [String: Double] = [:]
        // Before issue 15: libsixel, 128 colours per image, no diffusion.
        var old: [[UInt8]] = []
        ms["libsixel-128"] = median { old = pair.compactMap { try? SixelEncoder.encodeWithLibsixel($0, colors: 128) } }
        bytes["libsixel-128"] = old.map(\.count).reduce(0, +)
        psnr["libsixel-128"] = try score(old.map { try SixelEncoder.decodeWithLibsixel($0) })
        let variants: [(String, Int, Dithering, Double)] = [
            ("shared-1024-fs-half", 1024, .floydSteinberg, SixelEncoder.defaultDiffusion), ("shared-1024-fs-full", 1024, .floydSteinberg, 1),
            ("shared-1024-none", 1024, .none, 0), ("shared-256-fs-half", 256, .floydSteinberg, SixelEncoder.defaultDiffusion),
        ]
        for (name, registers, dithering, diffusion) in variants {
            let encoder = SixelEncoder(registers: registers, dithering: dithering, diffusion: diffusion)
            var data: [[UInt8]] = []
            ms[name] = median { data = encoder.encodeTogether(pair) }
            bytes[name] = data.map(\.count).reduce(0, +)
            psnr[name] = try score(data.map { try SixelDecoder.decode($0) })
        }
        let used = "shared-1024-fs-half"
        let load = BenchTiming.loadAverage()
        let report = Report(alignmentViewMs: align, dpStepViewMs: step, sixelPairMs: ms, sixelPairBytes: bytes, sixelPairPSNR: psnr,
                            playbackFramesPerSecond: 1000 / max(1e-6, ms[used] ?? 0), load: load)
        if json { try printJSON(report); return }
        print("load average \(load); medians of \(repetitions)")
        for key in ["120x40", "200x60"] {
            print(String(format: "alignment view 250×1800 at %@: %.2f ms per full redraw; DP step view: %.2f ms", key, align[key] ?? 0, step[key] ?? 0))
        }
        print("sixel, two real 256² frames side by side, decoded back:")
        for name in ["libsixel-128", "shared-256-fs-half", "shared-1024-none", "shared-1024-fs-full", "shared-1024-fs-half"] {
            print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: " PSNR %6.2f dB  encode %7.2f ms  %7d bytes", psnr[name] ?? 0, ms[name] ?? 0, bytes[name] ?? 0))
        }
        print(String(format: "  gain of the inspector's encoder (%@) over libsixel-128: %+.2f dB", used, (psnr[used] ?? 0) - (psnr["libsixel-128"] ?? 0)))
        print(String(format: "playback of the pair: %.1f frames/s sustainable by the encoder (clip: 25 fps)", report.playbackFramesPerSecond))
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
