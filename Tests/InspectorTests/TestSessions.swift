import Alignment
import Foundation
import Media
@testable import Inspector

/// Small deterministic sessions and helpers shared by the inspector tests.
enum TestSessions {
    static let truth = [0, 5, 11, 16, 22, 29]

    /// D(i, j) = |j − true_i| / 10 plus a fixed ripple, so the DP finds most (not all) true slots.
    static func distances(k: Int = 6, n: Int = 30, truth: [Int] = truth) -> DistanceMatrix {
        var v = [Float](repeating: 0, count: k * n)
        for i in 0..<k { for j in 0..<n { v[i * n + j] = Float(abs(j - truth[i])) / 10 + Float((i * 7 + j * 13) % 5) / 20 } }
        // Make frame 3 look like slot 18 rather than 16: one wrong placement to highlight.
        v[3 * n + 18] = 0
        return try! DistanceMatrix(rows: k, columns: n, values: v)
    }

    /// A gradient picture that differs per slot (and per method, for restored frames).
    struct GradientFrames: FrameProvider {
        func frame(slot: Int, kind: FrameKind) -> RGBImage? {
            let w = 32, h = 24
            var rgb = [UInt8](repeating: 0, count: w * h * 3)
            let shift: Int
            switch kind {
            case .truth: shift = 0
            case .restored: shift = 40
            case .difference: return try? RGBImage(width: w, height: h, rgb: rgb.map { _ in 20 })
            }
            for y in 0..<h { for x in 0..<w {
                let i = (y * w + x) * 3
                rgb[i] = UInt8((x * 8 + slot * 5 + shift) % 256)
                rgb[i + 1] = UInt8((y * 10) % 256)
                rgb[i + 2] = UInt8((slot * 9) % 256)
            } }
            return try? RGBImage(width: w, height: h, rgb: rgb)
        }

        func metrics(slot: Int, method: String, aligner: String) -> FrameMetrics? {
            FrameMetrics(psnr: 20 + Double(slot % 7), ssim: 0.8 + Double(slot % 5) / 100)
        }
    }

    static func session(frames: any FrameProvider = GradientFrames()) -> InspectorSession {
        let d = distances()
        let trace = try! DynamicPositionRetrieval.solve(d)
        let uniform = try! UniformEstimator.positions(frames: 6, slots: 30)
        let session = try! InspectorSession(
            clipName: "synthetic.mp4", fps: 25, n: 30, k: 6, distance: d, distanceLabel: "test distance |j − s_i|",
            truePositions: truth,
            alignments: [AlignmentResult(name: "dp", predicted: trace.positions, trace: trace, pathCost: trace.totalCost),
                         AlignmentResult(name: "uniform", predicted: uniform)],
            methods: ["hold", "blend"], frames: frames, notes: ["synthetic test session"])
        // A tone whose loudness rises and falls twice over the 30 slots (1.2 s at 16 kHz), for the audio lane.
        let samples = (0..<19_200).map { i -> Float in
            let t = Double(i) / 16_000
            return Float(sin(2 * .pi * 220 * t) * (0.05 + 0.45 * abs(sin(.pi * t / 0.6))))
        }
        return session.withAudioEnergy(AudioTrack(samples: samples, sampleRate: 16_000))
    }

    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    static var themesDir: String { repoRoot.appendingPathComponent("Themes").path }

    static func state(graphics: GraphicsMode = .ascii, glyphs: Glyphs = .unicode) -> InspectorState {
        let loader = ThemeLoader(searchPaths: [themesDir])
        let themes = ["dark", "light", "plain16"].compactMap { try? loader.load($0) }
        var s = InspectorState(clipName: "synthetic.mp4", graphics: graphics, availableGraphics: [.sixel, .truecolor, .color256, .ascii],
                               themes: themes, colormaps: loader.availableColormaps().compactMap { try? loader.loadColormap($0) }, glyphs: glyphs)
        s.session = session()
        s.exactColors = false
        return s
    }

    static func ui(graphics: GraphicsMode = .ascii, glyphs: Glyphs = .unicode) -> InspectorUI { InspectorUI(state: state(graphics: graphics, glyphs: glyphs)) }
}

/// Compares text with a snapshot file beside the tests; records it (and fails once) when missing, or when
/// INSPECTOR_RECORD=1.
enum Snapshot {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Nil when it matches; otherwise a description of the first difference.
    static func check(_ text: String, named name: String) -> String? {
        let url = dir.appendingPathComponent(name + ".txt")
        let record = ProcessInfo.processInfo.environment["INSPECTOR_RECORD"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try? (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return "recorded snapshot \(name).txt (run again to compare)"
        }
        let want = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
        if want == text { return nil }
        let a = want.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? String(a[i]) : "<none>", y = i < b.count ? String(b[i]) : "<none>"
            if x != y { return "snapshot \(name) differs at line \(i + 1):\n expected: \(x)\n actual:   \(y)" }
        }
        return "snapshot \(name) differs"
    }
}
