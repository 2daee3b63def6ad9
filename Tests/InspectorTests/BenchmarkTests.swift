import Alignment
import Foundation
import Media
import Testing
@testable import Inspector

/// Timings for the speed targets (alignment view of ~250 × 1800 under 20 ms, sixel of a 256² frame under 10 ms).
/// Off by default (tests never assert timings); run with INSPECTOR_BENCH=1 and read the printed numbers.
@Suite struct BenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["INSPECTOR_BENCH"] == "1"

    static func median(_ runs: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return times.sorted()[runs / 2]
    }

    @Test(.enabled(if: enabled, "set INSPECTOR_BENCH=1"))
    func alignmentViewRedraw250x1800() throws {
        let k = 250, n = 1800
        var v = [Float](repeating: 0, count: k * n)
        for i in 0..<k { for j in 0..<n { v[i * n + j] = Float(abs(j - i * 7)) / 100 + Float((i * 31 + j * 17) % 13) / 50 } }
        let d = try DistanceMatrix(rows: k, columns: n, values: v)
        let trace = try DynamicPositionRetrieval.solve(d)
        let session = try InspectorSession(clipName: "bench", fps: 30, n: n, k: k, distance: d, truePositions: (0..<k).map { $0 * 7 },
                                           alignments: [AlignmentResult(name: "dp", predicted: trace.positions, trace: trace)], methods: [])
        var ui = TestSessions.ui()
        ui.state.session = session
        ui.state.slot = 900
        ui.state.row = 120
        for (w, h) in [(120, 40), (200, 60)] {
            let ms = Self.median(21) { _ = ui.render(width: w, height: h) }
            print("alignment view \(k)×\(n) at \(w)×\(h): median \(String(format: "%.2f", ms)) ms per full redraw")
            _ = ui.perform(.viewStep)
            _ = ui.perform(.stepFinish)
            let step = Self.median(21) { _ = ui.render(width: w, height: h) }
            print("DP step view \(k)×\(n) at \(w)×\(h): median \(String(format: "%.2f", step)) ms")
            _ = ui.perform(.viewAlignment)
        }
    }

    @Test(.enabled(if: enabled, "set INSPECTOR_BENCH=1"))
    func sixel256() throws {
        let sample = TestSessions.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
        let frame = try #require(try VideoDecoder(path: sample, options: DecodeOptions(size: (256, 256))).nextFrame())
        for (name, enc) in [("adaptive 256", SixelEncoder()), ("adaptive 64", SixelEncoder(colors: 64)), ("adaptive 128", SixelEncoder(colors: 128)),
                            ("xterm256 fixed", SixelEncoder(palette: .xterm256))] {
            var bytes = 0
            let ms = Self.median(21) { bytes = (try? enc.encode(frame))?.count ?? 0 }
            print("sixel 256×256 real frame, \(name): median \(String(format: "%.2f", ms)) ms, \(bytes) bytes")
        }
    }
}
