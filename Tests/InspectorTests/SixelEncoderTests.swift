import Foundation
import Media
import Metrics
import Testing
@testable import Inspector

/// The sixel the inspector writes, decoded back, is close to its source; images shown together share one palette.
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

    static let sample = TestSessions.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

    /// Two 128² frames of the bundled sample, 40 frames apart (a restored/truth pair stands in: same face, moved).
    static func samplePair() throws -> [RGBImage] {
        let d = try VideoDecoder(path: sample, options: DecodeOptions(size: (128, 128)))
        var out: [RGBImage] = []
        while out.count < 2, let f = try d.nextFrame() {
            if f.index == 0 || f.index == 40 { out.append(f) }
        }
        return out
    }

    static func psnr(_ a: [RGBImage], _ b: [RGBImage]) throws -> Double {
        try PSNR.compute(PlanarImage(width: a[0].width, height: a[0].height * a.count, rgb8: a.flatMap(\.rgb)),
                         PlanarImage(width: b[0].width, height: b[0].height * b.count, rgb8: b.flatMap(\.rgb)))
    }

    @Test func sequenceIsFramedAndKeepsTheSize() throws {
        let src = try Self.gradient(64, 48)
        let data = SixelEncoder().encode(src)
        #expect(data.starts(with: [0x1B, UInt8(ascii: "P")]))
        #expect(data.suffix(2) == [0x1B, UInt8(ascii: "\\")])
        let back = try SixelDecoder.decode(data)
        #expect(back.width == 64 && back.height == 48)
    }

    /// The decoder reads what libsixel reads (an independent check of both sides of the format), for a palette
    /// libsixel can hold.
    @Test func decoderAgreesWithLibsixel() throws {
        let src = try Self.gradient(40, 30)
        let data = SixelEncoder(registers: 200).encode(src)
        let ours = try SixelDecoder.decode(data), theirs = try SixelEncoder.decodeWithLibsixel(data)
        #expect(ours.width == theirs.width && ours.height == theirs.height)
        var worst = 0
        for i in ours.rgb.indices { worst = max(worst, abs(Int(ours.rgb[i]) - Int(theirs.rgb[i]))) }
        #expect(worst <= 1, "largest channel difference \(worst)")
    }

    @Test func flatImageIsExactToSixelPercent() throws {
        let flat = try RGBImage(width: 16, height: 12, rgb: (0..<(16 * 12 * 3)).map { [200, 40, 90][$0 % 3] })
        let back = try SixelDecoder.decode(SixelEncoder().encode(flat))
        let shown = SixelEncoder.shown(RGBColor(200, 40, 90))
        for i in 0..<(16 * 12) { #expect(RGBColor(back.rgb[i * 3], back.rgb[i * 3 + 1], back.rgb[i * 3 + 2]) == shown) }
        // Percent channels: within 255/200 of the source.
        #expect(abs(Int(shown.r) - 200) <= 1 && abs(Int(shown.g) - 40) <= 1 && abs(Int(shown.b) - 90) <= 1)
    }

    /// More registers than libsixel's 256 are used when the terminal has them.
    @Test func usesTheTerminalsRegisters() throws {
        let src = try Self.gradient(96, 96)
        let p = SixelEncoder(registers: 1024).palette(for: [src])
        #expect(p.colors.count > 256 && p.colors.count <= 1024)
        #expect(SixelEncoder(registers: 5000).registers == SixelEncoder.maxRegisters)
    }

    /// One palette for images shown together: a colour both images contain is drawn identically in each.
    @Test func sharedPaletteDrawsACommonColourTheSame() throws {
        var a = try Self.gradient(48, 48), b = try Self.gradient(48, 48)
        // A patch of the same skin tone in both, different surroundings.
        for y in 10..<20 { for x in 10..<20 {
            let i = (y * 48 + x) * 3
            a.rgb[i] = 201; a.rgb[i + 1] = 150; a.rgb[i + 2] = 120
            b.rgb[i] = 201; b.rgb[i + 1] = 150; b.rgb[i + 2] = 120
        } }
        b.rgb = b.rgb.map { 255 - $0 }
        for y in 10..<20 { for x in 10..<20 { let i = (y * 48 + x) * 3; b.rgb[i] = 201; b.rgb[i + 1] = 150; b.rgb[i + 2] = 120 } }
        let encoded = SixelEncoder(registers: 64, dithering: .none).encodeTogether([a, b])
        let da = try SixelDecoder.decode(encoded[0]), db = try SixelDecoder.decode(encoded[1])
        let i = (15 * 48 + 15) * 3
        #expect(Array(da.rgb[i..<i + 3]) == Array(db.rgb[i..<i + 3]))
    }

    /// Stated floor: the inspector's encoding (1024 registers, Floyd–Steinberg, one palette) of a real side-by-side
    /// pair decodes back above 36 dB PSNR against its source, and at least 4 dB above libsixel's 128 colours per image.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sample), "needs SampleData/grid-bbaf2n.mp4"))
    func realPairDecodesAboveTheFloor() throws {
        let pair = try Self.samplePair()
        try #require(pair.count == 2)
        let ours = try SixelEncoder(registers: 1024).encodeTogether(pair).map { try SixelDecoder.decode($0) }
        let old = try pair.map { try SixelEncoder.decodeWithLibsixel(SixelEncoder.encodeWithLibsixel($0, colors: 128)) }
        let p = try Self.psnr(ours, pair), q = try Self.psnr(old, pair)
        #expect(p > 36, "PSNR \(p) dB")
        #expect(p - q >= 4, "PSNR \(p) dB against libsixel-128's \(q) dB")
    }

    @Test func garbageIsATypedError() {
        #expect(throws: InspectorError.self) { _ = try SixelDecoder.decode(Array("not sixel".utf8)) }
        #expect(throws: InspectorError.self) { _ = try SixelEncoder.decodeWithLibsixel(Array("not sixel".utf8)) }
    }
}
