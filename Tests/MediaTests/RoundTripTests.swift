import Foundation
import Testing
@testable import Media

/// Decode → encode → decode keeps frame count, size and frame rate, with high fidelity.
@Suite struct RoundTripTests {
    @Test func generatedClipSurvivesEncodeAndDecode() throws {
        let dir = try MediaFixtures.scratch()
        let path = dir.appendingPathComponent("round trip ü.mp4").path
        let made = try MediaFixtures.writeClip(path, frames: 30, width: 96, height: 64, fps: Rational(30000, 1001))
        let decoder = try VideoDecoder(path: path)
        let frames = try decoder.readAll()
        #expect(frames.count == made.count)
        #expect(decoder.stream.width == 96 && decoder.stream.height == 64)
        #expect(decoder.stream.frameRate == Rational(30000, 1001))
        let worst = zip(made, frames).map { 10 * log10(1 / max(MediaFixtures.mse($0, $1), 1e-12)) }.min() ?? 0
        #expect(worst > 35, "worst round-trip PSNR \(worst) dB")
        // The audio track comes back too, at its length within one AAC frame.
        let audio = try AudioDecoder.decode(path: path)
        #expect(abs(audio.duration - Double(made.count) * 1001 / 30000) < 1024.0 / 16000 + 0.01)
    }

    @Test func reencodingADecodedRealClip() throws {
        let dir = try MediaFixtures.scratch()
        let source = try VideoDecoder(path: MediaFixtures.sample, options: DecodeOptions(size: (180, 144)))
        let frames = try source.readAll()
        let out = dir.appendingPathComponent("again.mp4").path
        let encoder = try VideoEncoder(path: out, width: 180, height: 144,
                                       options: EncodeOptions(frameRate: source.stream.frameRate, crf: 14,
                                                              audio: try AudioDecoder.decode(path: MediaFixtures.sample)))
        for f in frames { try encoder.append(f) }
        try encoder.finish()
        let again = try VideoDecoder(path: out).readAll()
        #expect(again.count == frames.count)
        let mean = zip(frames, again).map { 10 * log10(1 / max(MediaFixtures.mse($0, $1), 1e-12)) }.reduce(0, +) / Double(frames.count)
        #expect(mean > 35, "mean PSNR \(mean) dB")
        let info = try MediaInfo.probe(path: out)
        #expect(info.audio?.channels == 1)
        #expect(info.video?.frameRate == Rational(25, 1))
    }

    @Test func cropAndResizeOnTheWay() throws {
        let full = try #require(try VideoDecoder(path: MediaFixtures.sample).nextFrame())
        let rect = PixelRect(x: 100, y: 60, width: 128, height: 128)
        let decoder = try VideoDecoder(path: MediaFixtures.sample, options: DecodeOptions(crop: rect, size: (64, 64)))
        let small = try #require(try decoder.nextFrame())
        #expect(small.width == 64 && small.height == 64)
        let expected = try Resampler.resize(full.cropped(to: rect), width: 64, height: 64)
        #expect(MediaFixtures.mse(small, expected) < 1e-6)
    }

    @Test func pngRoundTripIsExact() throws {
        let dir = try MediaFixtures.scratch()
        let frame = try MediaFixtures.movingFrame(width: 33, height: 17, index: 3)
        let path = dir.appendingPathComponent("frame 1.png").path
        try PNGImage.write(frame, to: path)
        let back = try PNGImage.read(path)
        #expect(back.rgb == frame.rgb && back.width == 33 && back.height == 17)
    }

    @Test func planarFloatConversionRoundTrips() throws {
        let frame = try MediaFixtures.movingFrame(width: 20, height: 10, index: 1)
        let planes = frame.planarFloat()
        #expect(planes.count == 600)
        #expect(try VideoFrame(width: 20, height: 10, planar: planes).rgb == frame.rgb)
    }

    @Test func oddSizesAreEncodedWithFullChroma() throws {
        let dir = try MediaFixtures.scratch()
        let path = dir.appendingPathComponent("odd.mp4").path
        try MediaFixtures.writeClip(path, frames: 5, width: 45, height: 31, audio: false)
        let frames = try VideoDecoder(path: path).readAll()
        #expect(frames.count == 5 && frames[0].width == 45 && frames[0].height == 31)
    }
}
