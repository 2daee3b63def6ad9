import Media
import Testing
@testable import Inspector

/// Sixel output decoded back with libsixel matches the source image.
@Suite struct SixelEncoderTests {
    static func gradient(_ w: Int, _ h: Int) throws -> RGBImage {
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let i = (y * w + x) * 3
            rgb[i] = UInt8(x * 255 / max(1, w - 1))
            rgb[i + 1] = UInt8(y * 255 / max(1, h - 1))
            rgb[i + 2] = UInt8(((x / 8 + y / 8) % 2) * 200)
        } }
        return try RGBImage(width: w, height: h, rgb: rgb)
    }

    @Test func roundTripKeepsSizeAndColours() throws {
        let src = try Self.gradient(64, 48)
        let data = try SixelEncoder().encode(src)
        #expect(data.starts(with: [0x1B, UInt8(ascii: "P")]))
        #expect(data.suffix(2) == [0x1B, UInt8(ascii: "\\")])
        let back = try SixelEncoder.decode(data)
        #expect(back.width == 64)
        #expect(back.height == 48)
        var err = 0.0
        for i in src.rgb.indices { err += abs(Double(src.rgb[i]) - Double(back.rgb[i])) }
        let mean = err / Double(src.rgb.count)
        #expect(mean < 12, "mean absolute error \(mean) per channel")
    }

    @Test func flatImageIsExact() throws {
        let flat = try RGBImage(width: 16, height: 12, rgb: [UInt8](repeating: 0, count: 16 * 12 * 3).enumerated().map { [200, 40, 90][$0.offset % 3] })
        let back = try SixelEncoder.decode(try SixelEncoder().encode(flat))
        #expect(back.rgb.count == flat.rgb.count)
        // libsixel stores the palette in percent: each channel within 255/100.
        for i in flat.rgb.indices { #expect(abs(Int(flat.rgb[i]) - Int(back.rgb[i])) <= 3) }
    }

    @Test func fixedPaletteRoundTripsToo() throws {
        let src = try Self.gradient(40, 30)
        let back = try SixelEncoder.decode(try SixelEncoder(palette: .xterm256).encode(src))
        #expect(back.width == 40 && back.height == 30)
        var err = 0.0
        for i in src.rgb.indices { err += abs(Double(src.rgb[i]) - Double(back.rgb[i])) }
        #expect(err / Double(src.rgb.count) < 30)
    }

    @Test func garbageIsATypedError() {
        #expect(throws: InspectorError.self) { _ = try SixelEncoder.decode(Array("not sixel".utf8)) }
    }
}
