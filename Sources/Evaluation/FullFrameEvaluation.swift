import Corpus
import Dispatch
import Foundation
import Media
import Metrics
import Pipeline
import Restoration

/// One method's scores on the full frames of one clip: the whole picture, the face square inside it, and sharpness.
public struct FullFrameScore: Sendable, Codable, Equatable {
    public var method: String
    /// PSNR / SSIM over the whole restored frames (MS-SSIM left out: full frames are scored at native size).
    public var full: QualitySummary
    /// PSNR / SSIM of the face square cut from the same restored frames (the region the face-crop tables score).
    public var face: QualitySummary
    /// Mean variance of the Laplacian (`Sharpness`) of the restored and of the true frames, whole and face square.
    public var sharpness: Double
    public var truthSharpness: Double
    public var faceSharpness: Double
    public var truthFaceSharpness: Double
}

/// Every method's full-frame scores on one drop pattern of one clip.
public struct FullFrameResult: Sendable, Codable, Equatable {
    public var clip: String
    public var seed: UInt64
    public var slotCount: Int
    public var survivors: Int
    /// The face square in source pixels.
    public var faceBox: PixelRect
    public var methods: [FullFrameScore]
}

/// Scores restoration as `dropfill restore` ships it: frames at native size, learned methods on the face square pasted
/// over the outside method's full frame (`RestorerFactory`), every restored frame scored whole and in its face square,
/// with a sharpness measure beside PSNR so softness shows (`evaluate --full-frame`).
///
/// Gaps are restored and scored one at a time, so memory holds the clip's decoded frames (8-bit) and one gap.
public enum FullFrameEvaluation {
    /// Drops frames of `clip` (truth positions, `drop` with its seed), restores them with each of `methods` from
    /// `factory`, and scores them against the originals under `convention`. `maxFrames` keeps the first frames only.
    public static func evaluate(_ clip: Clip, drop: DropSettings, methods: [String], factory: RestorerFactory,
                                convention: MetricConvention = .standard, maxFrames: Int? = nil) throws -> FullFrameResult {
        let decoder = try VideoDecoder(path: clip.path)
        var frames: [VideoFrame] = []
        while let f = try decoder.nextFrame() {
            frames.append(f)
            if let maxFrames, frames.count >= maxFrames { break }
        }
        guard frames.count >= 3 else { throw CorpusError.invalidSetting("\(clip.path) has \(frames.count) frame(s); at least 3 are needed") }
        let n = frames.count
        let box = try FaceCrop.box(of: frames).clamped(width: frames[0].width, height: frames[0].height)
        let mask = try DropSimulation.keepMask(frameCount: n, settings: drop)
        let kept = DropSimulation.survivingPositions(mask)
        var rate = decoder.stream.frameRate
        if rate.numerator <= 0 || rate.denominator <= 0 { rate = Rational(25, 1) }
        let audio = SlotAudio(track: try SlotAudio.decodeTrack(path: clip.path), fps: rate.value, slotCount: n)
        let context = try GapContext.make(frameRate: rate, slotCount: n, audio: audio, methods: methods,
                                          guidance: factory.lipGuidance(for: methods))
        let survivors = kept.map { SlotFrame(slot: $0, frame: frames[$0]) }
        var scores: [FullFrameScore] = []
        for method in methods {
            let restorer = try factory.make(method, faceBox: box)
            var full: [QualityScores] = [], face: [QualityScores] = []
            var sharp: [Double] = [], truthSharp: [Double] = [], faceSharp: [Double] = [], truthFaceSharp: [Double] = []
            try restorer.restoreClip(survivors: survivors, slotCount: n, context: context) { restored in
                guard !mask[restored.slot] else { return }
                let truth = frames[restored.slot]
                let s = try score(restored: restored, truth: truth, box: box, convention: convention)
                full.append(s.full); face.append(s.face)
                sharp.append(s.sharpness); truthSharp.append(s.truthSharpness)
                faceSharp.append(s.faceSharpness); truthFaceSharp.append(s.truthFaceSharpness)
            }
            func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
            scores.append(FullFrameScore(method: restorer.name, full: try QualitySummary(full), face: try QualitySummary(face),
                                         sharpness: mean(sharp), truthSharpness: mean(truthSharp), faceSharpness: mean(faceSharp),
                                         truthFaceSharpness: mean(truthFaceSharp)))
        }
        return FullFrameResult(clip: clip.relativePath, seed: drop.seed, slotCount: n, survivors: kept.count, faceBox: box, methods: scores)
    }

    /// The scores of one restored frame against its truth: whole, face square, and the four sharpness values.
    static func score(restored: SlotFrame, truth: VideoFrame, box: PixelRect, convention: MetricConvention) throws
        -> (full: QualityScores, face: QualityScores, sharpness: Double, truthSharpness: Double, faceSharpness: Double, truthFaceSharpness: Double)
    {
        let picture = try restored.videoFrame()
        let a = try PlanarImage(width: picture.width, height: picture.height, rgb8: picture.rgb)
        let b = try PlanarImage(width: truth.width, height: truth.height, rgb8: truth.rgb)
        let fa = try picture.cropped(to: box), fb = try truth.cropped(to: box)
        let ca = try PlanarImage(width: fa.width, height: fa.height, rgb8: fa.rgb)
        let cb = try PlanarImage(width: fb.width, height: fb.height, rgb8: fb.rgb)
        return (try ImageQuality.scores(a, b, convention: convention, psnrCap: 100, msssim: false),
                try ImageQuality.scores(ca, cb, convention: convention, psnrCap: 100, msssim: false),
                Sharpness.laplacianVariance(a), Sharpness.laplacianVariance(b),
                Sharpness.laplacianVariance(ca), Sharpness.laplacianVariance(cb))
    }

    /// The table of `results`: per method, means over clips of full-frame and face-square PSNR/SSIM and of sharpness
    /// (restored / truth).
    public static func text(_ results: [FullFrameResult], outside: OutsideMethod) -> String {
        var order: [String] = []
        for r in results { for m in r.methods where !order.contains(m.method) { order.append(m.method) } }
        var lines = ["full frames at native size, \(results.count) clip(s); learned methods on the face square over `\(outside.rawValue)` outside;",
                     "sharpness = variance of the Laplacian of luma, restored / truth (means over restored frames)"]
        var table = [["method", "PSNR full", "SSIM full", "PSNR face", "SSIM face", "sharpness full", "sharpness face"]]
        for name in order {
            let rows = results.flatMap { $0.methods.filter { $0.method == name } }
            func mean(_ f: (FullFrameScore) -> Double) -> Double { rows.map(f).reduce(0, +) / Double(max(1, rows.count)) }
            table.append([name, String(format: "%.2f", mean { $0.full.psnr }), String(format: "%.4f", mean { $0.full.ssim }),
                          String(format: "%.2f", mean { $0.face.psnr }), String(format: "%.4f", mean { $0.face.ssim }),
                          String(format: "%.1f / %.1f", mean(\.sharpness), mean(\.truthSharpness)),
                          String(format: "%.1f / %.1f", mean(\.faceSharpness), mean(\.truthFaceSharpness))])
        }
        lines += EvaluationReport.layout(table)
        for r in results {
            lines.append("  \(r.clip) seed \(r.seed): " + r.methods.map { String(format: "%@ %.2f/%.2f dB", $0.method, $0.full.psnr, $0.face.psnr) }
                .joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
