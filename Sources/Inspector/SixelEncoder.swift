import CSixel
import Media

/// Sixel for the terminal: an adaptive palette sized to the terminal's colour registers (XTSMGRAPHICS), shared by
/// the images shown together, error diffusion, and a sixel writer of its own (libsixel stops at 256 colours).
public final class SixelEncoder: @unchecked Sendable {
    /// Palette size: the terminal's colour registers, at most `maxRegisters`.
    public let registers: Int
    public let dithering: Dithering
    /// Share of the quantisation error diffused (0…1); see `defaultDiffusion`.
    public let diffusion: Double
    /// Half the error: with a fine palette full Floyd–Steinberg adds more noise than the banding it removes
    /// (`dropfill bench inspector` measures both), half keeps gradients smooth and flat skin quiet.
    public static let defaultDiffusion = 0.5
    /// Registers used at most, whatever the terminal offers: the palette's cost grows with it and 1024 already
    /// leaves a 256² face within a few levels of its source.
    public static let maxRegisters = 1024
    /// Registers assumed when the terminal did not answer XTSMGRAPHICS (what libsixel and most emulators offer).
    public static let defaultRegisters = 256

    public init(registers: Int = SixelEncoder.defaultRegisters, dithering: Dithering = .floydSteinberg,
                diffusion: Double = SixelEncoder.defaultDiffusion) {
        self.registers = max(2, min(Self.maxRegisters, registers))
        self.dithering = dithering
        self.diffusion = max(0, min(1, diffusion))
    }

    /// What a colour looks like after sixel's percent channels (`#i;2;R;G;B`, 0–100): the colour the terminal shows.
    @inline(__always)
    public static func shown(_ c: RGBColor) -> RGBColor {
        func f(_ v: UInt8) -> UInt8 { UInt8((Self.percent(v) * 255 + 50) / 100) }
        return RGBColor(f(c.r), f(c.g), f(c.b))
    }

    @inline(__always)
    static func percent(_ v: UInt8) -> Int { (Int(v) * 100 + 127) / 255 }

    /// One palette for every image in `images` (shown side by side, they must agree on their colours).
    public func palette(for images: [RGBImage]) -> AdaptivePalette {
        AdaptivePalette(images: images, maxColors: registers, snap: Self.shown)
    }

    /// The DCS … ST sixel sequences of `images`, all drawn with one palette.
    public func encodeTogether(_ images: [RGBImage]) -> [[UInt8]] {
        let p = palette(for: images)
        return images.map { encode($0, palette: p) }
    }

    /// The DCS … ST sixel sequence of `image` with `palette` (nil: a palette for this image alone).
    public func encode(_ image: RGBImage, palette given: AdaptivePalette? = nil) -> [UInt8] {
        let palette = given ?? self.palette(for: [image])
        let idx = ColorQuantizer.indices(image, palette: palette, dithering: dithering, strength: diffusion)
        return Self.write(indices: idx, width: image.width, height: image.height, palette: palette.colors)
    }

    /// The sixel bytes of an indexed image: raster attributes 1:1, the palette in percent, then six-row bands,
    /// one pass per colour present in the band, runs of four or more as `!n`.
    static func write(indices: [UInt16], width w: Int, height h: Int, palette: [RGBColor]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(w * h / 2)
        func append(_ s: String) { out.append(contentsOf: s.utf8) }
        func number(_ v: Int) {
            if v >= 10 { number(v / 10) }
            out.append(UInt8(48 + v % 10))
        }
        // P2 = 1: pixels not painted keep the background; raster attributes give 1:1 pixels and the size.
        append("\u{1B}P0;1;0q\"1;1;\(w);\(h)")
        var used = [Bool](repeating: false, count: palette.count)
        for v in indices { used[Int(v)] = true }
        for (i, c) in palette.enumerated() where used[i] {
            out.append(UInt8(ascii: "#"))
            number(i)
            append(";2;")
            number(percent(c.r))
            out.append(UInt8(ascii: ";"))
            number(percent(c.g))
            out.append(UInt8(ascii: ";"))
            number(percent(c.b))
        }
        var bits = [UInt8](repeating: 0, count: palette.count * w)
        var inBand = [Bool](repeating: false, count: palette.count)
        var bandColors: [Int] = []
        var first = [Int](repeating: 0, count: palette.count), last = [Int](repeating: 0, count: palette.count)
        indices.withUnsafeBufferPointer { px in
            bits.withUnsafeMutableBufferPointer { bits in
                var y0 = 0
                while y0 < h {
                    bandColors.removeAll(keepingCapacity: true)
                    for r in 0..<min(6, h - y0) {
                        let row = (y0 + r) * w
                        for x in 0..<w {
                            let c = Int(px[row + x])
                            if !inBand[c] {
                                inBand[c] = true
                                bandColors.append(c)
                                first[c] = x
                                last[c] = x
                            }
                            if x < first[c] { first[c] = x }
                            if x > last[c] { last[c] = x }
                            bits[c * w + x] |= 1 << r
                        }
                    }
                    for (n, c) in bandColors.enumerated() {
                        if n > 0 { out.append(UInt8(ascii: "$")) }
                        out.append(UInt8(ascii: "#"))
                        number(c)
                        var x = 0
                        let end = last[c] + 1
                        while x < end {
                            let v = bits[c * w + x]
                            var run = 1
                            while x + run < end, bits[c * w + x + run] == v { run += 1 }
                            let ch = 63 + v
                            if run >= 4 {
                                out.append(UInt8(ascii: "!"))
                                number(run)
                                out.append(ch)
                            } else {
                                for _ in 0..<run { out.append(ch) }
                            }
                            x += run
                        }
                        for x in first[c]..<end { bits[c * w + x] = 0 }
                        inBand[c] = false
                    }
                    out.append(UInt8(ascii: "-"))
                    y0 += 6
                }
            }
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return out
    }

    // MARK: - The libsixel encoder (the baseline `dropfill bench inspector` compares against)

    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// libsixel's median cut with `colors` (≤ 256) colours for this image alone and no diffusion: what the
    /// inspector drew before the encoder above, kept as the benchmark's baseline.
    public static func encodeWithLibsixel(_ image: RGBImage, colors: Int = 128) throws(InspectorError) -> [UInt8] {
        var pixels = image.rgb
        var made: OpaquePointer?
        guard dropfill_sixel_succeeded(sixel_dither_new(&made, Int32(max(2, min(256, colors))), nil)) == 1, let dither = made else {
            throw .sixelFailed("cannot create a dither")
        }
        defer { sixel_dither_unref(dither) }
        let status: SIXELSTATUS = pixels.withUnsafeMutableBufferPointer { p in
            sixel_dither_initialize(dither, p.baseAddress, Int32(image.width), Int32(image.height), SIXEL_PIXELFORMAT_RGB888,
                                    SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_LOW)
        }
        guard dropfill_sixel_succeeded(status) == 1 else { throw .sixelFailed("cannot build a palette (status \(status))") }
        sixel_dither_set_diffusion_type(dither, SIXEL_DIFFUSE_NONE)
        let sink = Sink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        var output: OpaquePointer?
        let write: sixel_write_function = { data, size, priv in
            guard let data, let priv, size > 0 else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(priv).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(size))) }
            return size
        }
        guard dropfill_sixel_succeeded(sixel_output_new(&output, write, unmanaged.toOpaque(), nil)) == 1, let output else {
            throw .sixelFailed("cannot create an output")
        }
        defer { sixel_output_unref(output) }
        sixel_output_set_encode_policy(output, SIXEL_ENCODEPOLICY_FAST)
        let encoded: SIXELSTATUS = pixels.withUnsafeMutableBufferPointer { p in
            sixel_encode(p.baseAddress, Int32(image.width), Int32(image.height), 3, dither, output)
        }
        guard dropfill_sixel_succeeded(encoded) == 1 else { throw .sixelFailed("encoding failed (status \(encoded))") }
        return sink.bytes
    }

    /// Decodes a sixel sequence back to RGB with libsixel's `sixel_decode_raw` (at most 256 registers): an
    /// independent check of `SixelDecoder` in the tests.
    public static func decodeWithLibsixel(_ data: [UInt8]) throws(InspectorError) -> RGBImage {
        // A sixel sequence opens with DCS (ESC P or 0x90), parameters, then "q".
        let body = data.starts(with: [0x1B, UInt8(ascii: "P")]) ? data.dropFirst(2) : (data.first == 0x90 ? data.dropFirst(1) : [])
        guard let q = body.firstIndex(where: { !(($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ";")) }), body[q] == UInt8(ascii: "q") else {
            throw .sixelFailed("not a sixel sequence (no DCS … q introducer)")
        }
        var input = data
        var pixels: UnsafeMutablePointer<UInt8>?
        var palette: UnsafeMutablePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0, ncolors: Int32 = 0
        var allocator: OpaquePointer?
        guard dropfill_sixel_succeeded(sixel_allocator_new(&allocator, nil, nil, nil, nil)) == 1, let allocator else {
            throw .sixelFailed("cannot create an allocator")
        }
        defer { sixel_allocator_unref(allocator) }
        let status: SIXELSTATUS = input.withUnsafeMutableBufferPointer { p in
            sixel_decode_raw(p.baseAddress, Int32(p.count), &pixels, &w, &h, &palette, &ncolors, allocator)
        }
        guard dropfill_sixel_succeeded(status) == 1, let pixels, let palette, w > 0, h > 0 else {
            throw .sixelFailed("decoding failed (status \(status))")
        }
        defer {
            sixel_allocator_free(allocator, pixels)
            sixel_allocator_free(allocator, palette)
        }
        var rgb = [UInt8](repeating: 0, count: Int(w) * Int(h) * 3)
        for i in 0..<Int(w) * Int(h) {
            let c = Int(pixels[i])
            guard c < Int(ncolors) else { continue }
            rgb[i * 3] = palette[c * 3]
            rgb[i * 3 + 1] = palette[c * 3 + 1]
            rgb[i * 3 + 2] = palette[c * 3 + 2]
        }
        do {
            return try RGBImage(width: Int(w), height: Int(h), rgb: rgb)
        } catch {
            throw .sixelFailed("decoded image: \(error)")
        }
    }
}
