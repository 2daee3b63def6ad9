import DropfillTestSupport
import Foundation
import Testing
import Media
import Corpus
@testable import Pipeline

/// The synthetic talking face is reproducible, has the asked size and frame count, and its mouth follows the speech.
@Suite struct SyntheticFaceTests {
    @Test func sizeFrameCountAndDeterminism() throws {
        let audio = TestSpeech.load(seconds: 2)
        let a = try SyntheticFace.render(audio: audio, fps: Rational(25, 1), size: 64, seed: 4)
        let b = try SyntheticFace.render(audio: audio, fps: Rational(25, 1), size: 64, seed: 4)
        let c = try SyntheticFace.render(audio: audio, fps: Rational(25, 1), size: 64, seed: 5)
        #expect(a.count == 50)
        #expect(a.allSatisfy { $0.width == 64 && $0.height == 64 })
        #expect(a == b)
        #expect(a != c)
        let other = try SyntheticFace.render(audio: audio, fps: Rational(30000, 1001), size: 48, seed: 4)
        #expect(other.count == 59)
        #expect(other[0].width == 48)
    }

    @Test func mouthOpeningFollowsTheAudioEnvelope() throws {
        let audio = TestSpeech.load(seconds: 4)
        let size = 96
        let frames = try SyntheticFace.render(audio: audio, fps: Rational(25, 1), size: size, seed: 2)
        let rms = SyntheticFace.frameRMS(audio: audio, fps: Rational(25, 1), frameCount: frames.count)
        // Darkness of a fixed region that holds the mouth whatever the head motion.
        let x0 = Int(0.36 * Double(size)), x1 = Int(0.64 * Double(size))
        let y0 = Int(0.58 * Double(size)), y1 = Int(0.82 * Double(size))
        let darkness = frames.map { f -> Double in
            var s = 0.0
            for y in y0..<y1 { for x in x0..<x1 {
                let i = (y * f.width + x) * 3
                s += 255 - (0.299 * Double(f.rgb[i]) + 0.587 * Double(f.rgb[i + 1]) + 0.114 * Double(f.rgb[i + 2]))
            } }
            return s / Double((y1 - y0) * (x1 - x0))
        }
        let r = Self.correlation(darkness, rms)
        #expect(r > 0.5, "mouth-region darkness vs RMS correlation \(r)")
        // A mute recording keeps the mouth shut: no change in the region beyond head motion.
        let silent = AudioTrack(samples: [Float](repeating: 0, count: audio.samples.count), sampleRate: 16_000)
        let shapes = SyntheticFace.mouthTrack(audio: silent, fps: Rational(25, 1), frameCount: frames.count)
        #expect(shapes.allSatisfy { $0.opening == 0 })
    }

    @Test func badSettingsAreErrors() {
        let audio = TestSpeech.load(seconds: 1)
        #expect(throws: CorpusError.self) { _ = try SyntheticFace.render(audio: audio, size: 4) }
        #expect(throws: CorpusError.self) { _ = try SyntheticFace.render(audio: AudioTrack(samples: [], sampleRate: 16_000)) }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / max(1e-12, (saa * sbb).squareRoot())
    }
}
