import Corpus
import Foundation
import Media
import Tensor

/// A drawn talking face driven by a real speech recording: for tests and pre-training only.
///
/// Never stands in for real clips in reported numbers. The picture: a static textured background, a skin-coloured
/// head ellipse with slight head motion (two slow sinusoids), eyes that blink at random intervals, a nose, and a
/// mouth whose opening follows the smoothed RMS envelope of the audio and whose width follows the audio's spectral
/// frequency (so loud vowels open the mouth, bright sounds widen it). Everything random comes from the seed.
public enum SyntheticFace {
    /// Mouth shape per frame, both in [0, 1].
    public struct MouthShape: Sendable, Equatable {
        /// Opening: the RMS over the frame's audio window, between the clip's 10th and 95th percentile, smoothed.
        public var opening: Double
        /// Width: the spectral (RMS-bandwidth) frequency mapped from 300–3000 Hz to 0–1, smoothed.
        public var width: Double
    }

    /// Number of frames for `audio` at `fps`: floor(duration × fps), at least 1.
    public static func frameCount(audio: AudioTrack, fps: Rational) -> Int {
        max(1, Int((audio.duration * fps.value + 1e-9).rounded(.down)))
    }

    /// RMS of the audio in the window of frame `i` (one frame interval centred on the frame's time).
    public static func frameRMS(audio: AudioTrack, fps: Rational, frameCount n: Int) -> [Double] {
        windows(audio: audio, fps: fps, frameCount: n).map { w in
            guard !w.isEmpty else { return 0 }
            var s = 0.0
            for i in w { let v = Double(audio.samples[i]); s += v * v }
            return (s / Double(w.count)).squareRoot()
        }
    }

    /// The mouth shape of every frame.
    ///
    /// Spectral frequency: the RMS-bandwidth frequency f = fs/π · asin(½·√(E[Δx²] / E[x²])), exact for a sinusoid and,
    /// for speech, the square root of the power spectrum's second moment (a cheap stand-in for the spectral centroid
    /// that needs no FFT). Both tracks are smoothed with an exponential filter (α = 0.6) so the mouth moves smoothly.
    public static func mouthTrack(audio: AudioTrack, fps: Rational, frameCount n: Int) -> [MouthShape] {
        let ws = windows(audio: audio, fps: fps, frameCount: n)
        var rms = [Double](repeating: 0, count: n), freq = [Double](repeating: 0, count: n)
        let fs = Double(max(1, audio.sampleRate))
        for (j, w) in ws.enumerated() where w.count > 1 {
            var e = 0.0, d = 0.0
            var prev = Double(audio.samples[w.lowerBound])
            for i in w {
                let v = Double(audio.samples[i])
                e += v * v
                d += (v - prev) * (v - prev)
                prev = v
            }
            rms[j] = (e / Double(w.count)).squareRoot()
            let ratio = e > 1e-12 ? min(1, (d / e).squareRoot() / 2) : 0
            freq[j] = fs / .pi * asin(ratio)
        }
        let sorted = rms.sorted()
        let floor = sorted[Int(Double(n - 1) * 0.10)], top = sorted[Int(Double(n - 1) * 0.95)]
        let span = max(top - floor, 1e-6)
        var shapes: [MouthShape] = []
        shapes.reserveCapacity(n)
        var o = 0.0, w = 0.5
        for j in 0..<n {
            let targetO = min(1, max(0, (rms[j] - floor) / span))
            let targetW = rms[j] > floor ? min(1, max(0, (freq[j] - 300) / 2700)) : 0.5
            o = j == 0 ? targetO : 0.4 * o + 0.6 * targetO
            w = j == 0 ? targetW : 0.4 * w + 0.6 * targetW
            shapes.append(MouthShape(opening: o, width: w))
        }
        return shapes
    }

    /// Renders every frame (`frameCount(audio:fps:)` of them) at `size × size`.
    public static func render(audio: AudioTrack, fps: Rational = Rational(25, 1), size: Int = 256, seed: UInt64 = 0) throws(CorpusError) -> [VideoFrame] {
        var frames: [VideoFrame] = []
        try render(audio: audio, fps: fps, size: size, seed: seed) { frames.append($0) }
        return frames
    }

    /// Renders frame by frame, handing each to `sink` (memory stays bounded for long recordings).
    public static func render(audio: AudioTrack, fps: Rational = Rational(25, 1), size: Int = 256, seed: UInt64 = 0,
                              sink: (VideoFrame) throws -> Void) throws(CorpusError)
    {
        guard size >= 16, size <= 4096 else { throw .invalidSetting("synthetic face size must be 16…4096 px, got \(size)") }
        guard fps.value > 0 else { throw .invalidSetting("frame rate \(fps) must be positive") }
        guard audio.sampleRate > 0, !audio.samples.isEmpty else { throw .invalidSetting("the synthetic face needs a non-empty audio track") }
        let n = frameCount(audio: audio, fps: fps)
        let mouth = mouthTrack(audio: audio, fps: fps, frameCount: n)
        var rng = SeededGenerator(seed: seed)
        let look = Look(rng: &rng, size: size)
        let blinks = blinkFrames(n: n, fps: fps.value, rng: &rng)
        let background = look.background(size: size, rng: &rng)
        let s = Double(size)
        for j in 0..<n {
            let t = Double(j) / fps.value
            var canvas = Canvas(size: size, pixels: background)
            let cx = s * (0.5 + 0.025 * sin(2 * .pi * look.swayHz.x * t + look.swayPhase.x))
            let cy = s * (0.52 + 0.018 * sin(2 * .pi * look.swayHz.y * t + look.swayPhase.y))
            // Neck, then head.
            canvas.ellipse(cx: cx, cy: cy + 0.38 * s, a: 0.16 * s, b: 0.2 * s, color: look.skin.scaled(0.85))
            canvas.ellipse(cx: cx, cy: cy, a: look.headA * s, b: look.headB * s, color: look.skin)
            // Hair cap.
            canvas.ellipse(cx: cx, cy: cy - 0.27 * s, a: look.headA * 0.95 * s, b: 0.13 * s, color: look.hair)
            // Eyes with blinks.
            let open = 1 - blinks[j]
            for side in [-1.0, 1.0] {
                let ex = cx + side * 0.105 * s, ey = cy - 0.07 * s
                canvas.ellipse(cx: ex, cy: ey, a: 0.05 * s, b: max(0.003, 0.028 * open) * s, color: RGB(0.95, 0.95, 0.93))
                if open > 0.3 {
                    canvas.ellipse(cx: ex + look.gaze * s, cy: ey, a: 0.018 * s, b: 0.018 * open * s, color: look.iris)
                }
                canvas.ellipse(cx: ex, cy: ey - 0.045 * s, a: 0.055 * s, b: 0.008 * s, color: look.hair)
            }
            // Nose.
            canvas.ellipse(cx: cx, cy: cy + 0.05 * s, a: 0.025 * s, b: 0.04 * s, color: look.skin.scaled(0.88))
            // Mouth: lips, then the dark opening.
            let m = mouth[j]
            let halfWidth = (0.065 + 0.04 * m.width) * s
            let my = cy + 0.17 * s
            canvas.ellipse(cx: cx, cy: my, a: halfWidth, b: (0.016 + 0.06 * m.opening) * s, color: look.lips)
            if m.opening > 0.02 {
                canvas.ellipse(cx: cx, cy: my, a: halfWidth * 0.82, b: 0.055 * m.opening * s, color: RGB(0.16, 0.04, 0.05))
                canvas.ellipse(cx: cx, cy: my - 0.04 * m.opening * s, a: halfWidth * 0.6, b: 0.012 * m.opening * s,
                               color: RGB(0.92, 0.9, 0.86))
            }
            do {
                let frame = try VideoFrame(width: size, height: size, rgb: canvas.bytes(), timestamp: t, index: j)
                try sink(frame)
            } catch let e as MediaError {
                throw .media(e)
            } catch let e as CorpusError {
                throw e
            } catch {
                throw .io(path: "synthetic face", reason: "\(error)")
            }
        }
    }

    /// Renders a clip from `audio` and writes it with the audio to `path` (MP4: H.264 + AAC).
    public static func writeClip(audio: AudioTrack, to path: String, fps: Rational = Rational(25, 1), size: Int = 256,
                                 seed: UInt64 = 0, crf: Int = 18) throws(CorpusError)
    {
        do {
            let encoder = try VideoEncoder(path: path, width: size, height: size,
                                           options: EncodeOptions(frameRate: fps, crf: crf, audio: audio))
            try render(audio: audio, fps: fps, size: size, seed: seed) { frame in try encoder.append(frame) }
            try encoder.finish()
        } catch let e as MediaError {
            throw .media(e)
        } catch let e as CorpusError {
            throw e
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    // MARK: - Internals

    private static func windows(audio: AudioTrack, fps: Rational, frameCount n: Int) -> [Range<Int>] {
        let perFrame = Double(audio.sampleRate) / fps.value
        return (0..<n).map { j in
            let centre = (Double(j) + 0.5) * perFrame
            let lo = max(0, Int(centre - perFrame / 2)), hi = min(audio.samples.count, Int(centre + perFrame / 2))
            return lo..<max(lo, hi)
        }
    }

    /// Eye closure (0 open … 1 shut) per frame: a blink every 2–5 s, closing over three frames.
    private static func blinkFrames(n: Int, fps: Double, rng: inout SeededGenerator) -> [Double] {
        var closure = [Double](repeating: 0, count: n)
        var t = 0.5 + 2 * rng.nextUnit()
        while Int(t * fps) < n {
            let f = Int(t * fps)
            for (k, v) in [0.6, 1.0, 0.5].enumerated() where f + k < n { closure[f + k] = v }
            t += 2 + 3 * rng.nextUnit()
        }
        return closure
    }

    struct RGB {
        var r, g, b: Double
        init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
        func scaled(_ k: Double) -> RGB { RGB(r * k, g * k, b * k) }
    }

    /// The per-seed appearance: colours, proportions, motion.
    struct Look {
        var skin, hair, lips, iris, backA, backB: RGB
        var headA, headB, gaze: Double
        var swayHz: (x: Double, y: Double)
        var swayPhase: (x: Double, y: Double)

        init(rng: inout SeededGenerator, size: Int) {
            let skins = [RGB(0.94, 0.78, 0.66), RGB(0.82, 0.62, 0.48), RGB(0.62, 0.43, 0.3), RGB(0.44, 0.3, 0.22), RGB(0.98, 0.86, 0.75)]
            skin = skins[Int(rng.next() % UInt64(skins.count))]
            let h = 0.1 + 0.3 * rng.nextUnit()
            hair = RGB(h, h * 0.75, h * 0.5)
            lips = RGB(0.72 + 0.1 * rng.nextUnit(), 0.35, 0.38)
            iris = RGB(0.15, 0.2 + 0.3 * rng.nextUnit(), 0.25)
            backA = RGB(0.2 + 0.6 * rng.nextUnit(), 0.2 + 0.6 * rng.nextUnit(), 0.2 + 0.6 * rng.nextUnit())
            backB = RGB(0.2 + 0.6 * rng.nextUnit(), 0.2 + 0.6 * rng.nextUnit(), 0.2 + 0.6 * rng.nextUnit())
            headA = 0.25 + 0.04 * rng.nextUnit()
            headB = 0.33 + 0.04 * rng.nextUnit()
            gaze = 0.01 * (rng.nextUnit() - 0.5)
            swayHz = (0.2 + 0.3 * rng.nextUnit(), 0.15 + 0.3 * rng.nextUnit())
            swayPhase = (2 * .pi * rng.nextUnit(), 2 * .pi * rng.nextUnit())
        }

        /// A static textured background: two colours mixed by a sum of random plane waves, plus fine grain.
        func background(size: Int, rng: inout SeededGenerator) -> [Double] {
            var waves: [(kx: Double, ky: Double, phase: Double)] = []
            for _ in 0..<4 {
                let angle = 2 * .pi * rng.nextUnit(), k = 2 * .pi * (1 + 5 * rng.nextUnit()) / Double(size)
                waves.append((k * cos(angle), k * sin(angle), 2 * .pi * rng.nextUnit()))
            }
            var px = [Double](repeating: 0, count: size * size * 3)
            for y in 0..<size {
                for x in 0..<size {
                    var v = 0.0
                    for w in waves { v += sin(w.kx * Double(x) + w.ky * Double(y) + w.phase) }
                    let m = 0.5 + 0.125 * v
                    let grain = 0.04 * (rng.nextUnit() - 0.5)
                    let i = (y * size + x) * 3
                    px[i] = backA.r * m + backB.r * (1 - m) + grain
                    px[i + 1] = backA.g * m + backB.g * (1 - m) + grain
                    px[i + 2] = backA.b * m + backB.b * (1 - m) + grain
                }
            }
            return px
        }
    }

    /// An RGB canvas in [0, 1] with anti-aliased ellipse filling.
    struct Canvas {
        let size: Int
        var pixels: [Double]

        /// Fills the ellipse centred at (cx, cy) with semi-axes a, b; edges are blended over about one pixel.
        mutating func ellipse(cx: Double, cy: Double, a: Double, b: Double, color: RGB) {
            guard a > 0, b > 0 else { return }
            let x0 = max(0, Int(cx - a - 1)), x1 = min(size - 1, Int(cx + a + 1))
            let y0 = max(0, Int(cy - b - 1)), y1 = min(size - 1, Int(cy + b + 1))
            guard x0 <= x1, y0 <= y1 else { return }
            let scale = min(a, b)
            pixels.withUnsafeMutableBufferPointer { p in
                for y in y0...y1 {
                    let dy = (Double(y) + 0.5 - cy) / b
                    for x in x0...x1 {
                        let dx = (Double(x) + 0.5 - cx) / a
                        let r = (dx * dx + dy * dy).squareRoot()
                        let alpha = min(1, max(0, 0.5 - (r - 1) * scale))
                        if alpha <= 0 { continue }
                        let i = (y * size + x) * 3
                        p[i] += (color.r - p[i]) * alpha
                        p[i + 1] += (color.g - p[i + 1]) * alpha
                        p[i + 2] += (color.b - p[i + 2]) * alpha
                    }
                }
            }
        }

        func bytes() -> [UInt8] {
            pixels.map { v in
                let q = v * 255 + 0.5
                return q <= 0 ? 0 : (q >= 255 ? 255 : UInt8(q))
            }
        }
    }
}
