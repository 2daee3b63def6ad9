import Media
import Testing
@testable import Metrics

/// Rounding to 8 bits in Metrics matches the rounding Media applies when it writes a restored frame.
@Suite struct QuantizationTests {
    @Test func matchesVideoFrameRounding() throws {
        // Every half step k/510 (the ties), values between, and out-of-range values.
        var values: [Float] = (0...510).map { Float($0) / 510 }
        values += (0..<300).map { Float($0) * 0.00337 } + [-0.5, -0.001, 1.0001, 2, Float(2.5) / 255]
        while values.count % 3 != 0 { values.append(0.25) }
        let pixels = values.count / 3
        let frame = try VideoFrame(width: pixels, height: 1, planar: values)
        let quantized = try PlanarImage(width: pixels, height: 1, pixels: values).quantized8Bit()
        let fromFrame = try PlanarImage(width: pixels, height: 1, rgb8: frame.rgb)
        #expect(quantized.pixels == fromFrame.pixels)
    }
}
