import CSixel
import Media

/// Sixel through libsixel: encodes RGB images for the terminal, and decodes sixel back (for tests).
public final class SixelEncoder {
    /// Where the palette comes from.
    public enum Palette: Sendable, Equatable {
        /// Median cut over this image's histogram (best colours; the histogram costs time).
        case adaptive
        /// xterm's fixed 256-colour palette (no histogram: fastest, coarser).
        case xterm256
    }

    /// Palette size per image for `.adaptive` (terminals offer 256 or more colour registers; xterm -ti vt340 has 1024).
    public let colors: Int
    /// Error diffusion (libsixel's `SIXEL_DIFFUSE_*`); none is fastest and keeps frames stable while playing.
    public let diffusion: Int32
    public let palette: Palette

    public init(colors: Int = 256, diffusion: Int32 = SIXEL_DIFFUSE_NONE, palette: Palette = .adaptive) {
        self.colors = max(2, min(256, colors))
        self.diffusion = diffusion
        self.palette = palette
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    /// The DCS … ST sixel sequence of `image`, palette chosen for this image (median cut).
    public func encode(_ image: RGBImage) throws(InspectorError) -> [UInt8] {
        var pixels = image.rgb
        let dither: OpaquePointer
        switch palette {
        case .xterm256:
            guard let d = sixel_dither_get(SIXEL_BUILTIN_XTERM256) else { throw .sixelFailed("no built-in xterm palette") }
            dither = d
        case .adaptive:
            var made: OpaquePointer?
            guard dropfill_sixel_succeeded(sixel_dither_new(&made, Int32(colors), nil)) == 1, let made else {
                throw .sixelFailed("cannot create a dither")
            }
            dither = made
            let status: SIXELSTATUS = pixels.withUnsafeMutableBufferPointer { p in
                sixel_dither_initialize(dither, p.baseAddress, Int32(image.width), Int32(image.height), SIXEL_PIXELFORMAT_RGB888,
                                        SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_LOW)
            }
            guard dropfill_sixel_succeeded(status) == 1 else {
                sixel_dither_unref(dither)
                throw .sixelFailed("cannot build a palette (status \(status))")
            }
        }
        defer { sixel_dither_unref(dither) }
        sixel_dither_set_diffusion_type(dither, diffusion)
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

    /// Decodes a sixel sequence back to RGB (libsixel's `sixel_decode_raw`).
    public static func decode(_ data: [UInt8]) throws(InspectorError) -> RGBImage {
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
