/// One decoded picture: 8-bit RGB, interleaved, rows top to bottom without padding.
///
/// Media hands frames out as compact bytes; the engine works on Float32 planes in [0, 1]
/// (`planarFloat()` / `init(width:height:planar:)` convert, rounding to nearest and clamping).
public struct VideoFrame: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width × height × 3` bytes, R G B per pixel.
    public var rgb: [UInt8]
    /// Presentation time in seconds, or nil when the file carries none.
    public var timestamp: Double?
    /// Position of the frame in decode output order, from 0.
    public var index: Int

    /// A frame from packed RGB bytes; throws when the byte count does not match the size.
    public init(width: Int, height: Int, rgb: [UInt8], timestamp: Double? = nil, index: Int = 0) throws(MediaError) {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw .invalidArgument("frame \(width)×\(height) needs \(max(0, width * height * 3)) bytes, got \(rgb.count)")
        }
        self.width = width
        self.height = height
        self.rgb = rgb
        self.timestamp = timestamp
        self.index = index
    }

    /// A frame from Float32 planes (C×H×W, C = 3, values in [0, 1]); values are clamped and rounded to 8 bits, NaN to 0.
    public init(width: Int, height: Int, planar: [Float], timestamp: Double? = nil, index: Int = 0) throws(MediaError) {
        let plane = width * height
        guard width > 0, height > 0, planar.count == plane * 3 else {
            throw .invalidArgument("planar frame \(width)×\(height) needs \(max(0, plane * 3)) values, got \(planar.count)")
        }
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        planar.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for i in 0..<plane {
                        // NaN fails both comparisons and becomes 0 (a NaN passed `v <= 0` and trapped in UInt8()).
                        let v = src[c * plane + i] * 255 + 0.5
                        dst[i * 3 + c] = v > 0 ? (v < 255 ? UInt8(v) : 255) : 0
                    }
                }
            }
        }
        self.width = width
        self.height = height
        self.rgb = bytes
        self.timestamp = timestamp
        self.index = index
    }

    /// The frame as Float32 planes C×H×W (R, G, B) in [0, 1], the engine's layout.
    public func planarFloat() -> [Float] {
        let plane = width * height
        var out = [Float](repeating: 0, count: plane * 3)
        rgb.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let scale: Float = 1 / 255
                for i in 0..<plane {
                    dst[i] = Float(src[i * 3]) * scale
                    dst[plane + i] = Float(src[i * 3 + 1]) * scale
                    dst[2 * plane + i] = Float(src[i * 3 + 2]) * scale
                }
            }
        }
        return out
    }

    /// A copy of the region `rect` (clamped to the frame).
    public func cropped(to rect: PixelRect) throws(MediaError) -> VideoFrame {
        let r = rect.clamped(width: width, height: height)
        guard r.width > 0, r.height > 0 else { throw .invalidArgument("crop \(rect) lies outside \(width)×\(height)") }
        var bytes = [UInt8](repeating: 0, count: r.width * r.height * 3)
        for y in 0..<r.height {
            let src = ((r.y + y) * width + r.x) * 3
            bytes.replaceSubrange(y * r.width * 3..<(y + 1) * r.width * 3, with: rgb[src..<src + r.width * 3])
        }
        return try VideoFrame(width: r.width, height: r.height, rgb: bytes, timestamp: timestamp, index: index)
    }
}

/// A rectangle in pixels: origin at the top left.
public struct PixelRect: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The part of the rectangle inside a `width × height` image.
    public func clamped(width w: Int, height h: Int) -> PixelRect {
        let x0 = max(0, min(x, w)), y0 = max(0, min(y, h))
        let x1 = max(x0, min(x + width, w)), y1 = max(y0, min(y + height, h))
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}
