import Foundation
import Testing
@testable import Metrics

/// Properties every metric must have: identity, symmetry, known values, typed errors on bad input.
@Suite struct MetricsPropertyTests {
    /// A deterministic textured RGB image.
    static func pattern(width: Int, height: Int, seed: UInt64 = 1) throws -> PlanarImage {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        var px = [Float](repeating: 0, count: width * height * 3)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let noise = Float(state >> 40) / Float(1 << 24)
                    let smooth = 0.5 + 0.4 * sin(Float(x) * 0.21 + Float(c)) * cos(Float(y) * 0.17)
                    px[(c * height + y) * width + x] = min(1, max(0, 0.8 * smooth + 0.2 * noise))
                }
            }
        }
        return try PlanarImage(width: width, height: height, pixels: px)
    }

    @Test func identicalImagesHaveInfinitePSNRAndUnitSSIM() throws {
        let a = try Self.pattern(width: 40, height: 32)
        #expect(try PSNR.compute(a, a) == .infinity)
        #expect(try PSNR.compute(a, a, cap: 100) == 100)
        #expect(abs(try SSIM.compute(a, a) - 1) < 1e-6)
        #expect(abs(try SSIM.compute(a, a, convention: .luma) - 1) < 1e-6)
    }

    @Test func psnrKnownValue() throws {
        // Every value off by 0.1 → MSE 0.01 → 20 dB (unrounded); after rounding 0.5 vs 0.6 stay 0.5/0.6 ± 1/510.
        let a = try PlanarImage(width: 4, height: 4, pixels: [Float](repeating: 0.5, count: 48))
        let b = try PlanarImage(width: 4, height: 4, pixels: [Float](repeating: 0.6, count: 48))
        #expect(abs(try PSNR.compute(a, b, convention: .rgbUnrounded) - 20) < 1e-4)
        // Rounded: 0.5·255 = 127.5 → 128, 0.6·255 = 153 → difference 25/255.
        let expected = 10 * log10(1 / pow(25.0 / 255, 2))
        #expect(abs(try PSNR.compute(a, b) - expected) < 1e-4)
    }

    @Test func ssimIsSymmetricAndBelowOneForDifferentImages() throws {
        let a = try Self.pattern(width: 48, height: 40, seed: 1)
        let b = try Self.pattern(width: 48, height: 40, seed: 2)
        let ab = try SSIM.compute(a, b), ba = try SSIM.compute(b, a)
        #expect(abs(ab - ba) < 1e-7)
        #expect(ab < 0.99)
        #expect(ab > 0)
    }

    @Test func mismatchedSizesThrow() throws {
        let a = try Self.pattern(width: 40, height: 32), b = try Self.pattern(width: 32, height: 40)
        #expect(throws: MetricsError.self) { try PSNR.compute(a, b) }
        #expect(throws: MetricsError.self) { try SSIM.compute(a, b) }
        #expect(throws: MetricsError.self) { try MSSSIM.compute(a, b) }
        #expect(throws: MetricsError.self) { try PlanarImage(width: 4, height: 4, pixels: [0, 1]) }
    }

    @Test func tooSmallImagesThrow() throws {
        let a = try Self.pattern(width: 10, height: 30)
        #expect(throws: MetricsError.tooSmall("SSIM needs at least 11×11 pixels, got 10×30")) { try SSIM.compute(a, a) }
        let m = try Self.pattern(width: 96, height: 80)
        #expect(throws: MetricsError.self) { try MSSSIM.compute(m, m) }
        // fewerScales: 80 → 40 → 20 → 10, so three scales keep an 11-px window.
        #expect(try MSSSIM.scaleCount(width: 96, height: 80, policy: .fewerScales) == 3)
        #expect(try MSSSIM.scaleCount(width: 200, height: 161, policy: .reject) == 5)
        #expect(abs(try MSSSIM.compute(m, m, smallImages: .fewerScales) - 1) < 1e-6)
    }

    @Test func averagePoolMatchesPytorchOddPadding() {
        // 3×3 input, padding 1 in front: outputs (0+0+0+1)/4 … as avg_pool2d(count_include_pad=True).
        let plane: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let (out, w, h) = MSSSIM.averagePool(plane, width: 3, height: 3)
        #expect(w == 2 && h == 2)
        let expected: [Float] = [0.25, 1.25, 2.75, 7]  // 1/4, (2+3)/4, (4+7)/4, (5+6+8+9)/4
        #expect(out == expected)
        let (even, ew, eh) = MSSSIM.averagePool([1, 2, 3, 4], width: 2, height: 2)
        #expect(ew == 1 && eh == 1)
        #expect(even == [Float(2.5)])
    }

    @Test func quantizationRoundsToNearestLevel() throws {
        let a = try PlanarImage(width: 1, height: 1, channels: 3, pixels: [-0.2, 0.5, 1.3])
        let expected: [Float] = [0, Float(128) / 255, 1]
        #expect(a.quantized8Bit().pixels == expected)
    }

    @Test func lumaUsesStudioRangeBT601() throws {
        let white = try PlanarImage(width: 1, height: 1, pixels: [1, 1, 1])
        let black = try PlanarImage(width: 1, height: 1, pixels: [0, 0, 0])
        #expect(abs(try white.lumaBT601().pixels[0] - 235 / 255) < 1e-5)
        #expect(abs(try black.lumaBT601().pixels[0] - 16 / 255) < 1e-6)
    }

    @Test func qualitySummaryAverages() throws {
        let s = try QualitySummary([QualityScores(psnr: 30, ssim: 0.9, msssim: nil),
                                    QualityScores(psnr: 20, ssim: 0.7, msssim: 0.8)])
        #expect(s.psnr == 25)
        #expect(abs(s.ssim - 0.8) < 1e-12)
        #expect(s.msssim == 0.8)
        #expect(s.frames == 2)
        #expect(throws: MetricsError.self) { try QualitySummary([]) }
    }
}
