/// An image as Float32 planes C×H×W with values in [0, 1]: the engine's frame layout and the metrics' input.
///
/// This is what `VideoFrame.planarFloat()` returns (C = 3, R G B); Metrics does not import Media, so callers
/// wrap those planes with `PlanarImage(width:height:channels:pixels:)`.
public struct PlanarImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Number of planes (3 for RGB, 1 for luma).
    public let channels: Int
    /// `channels × height × width` values, plane after plane, rows top to bottom.
    public var pixels: [Float]

    /// Wraps planes; throws when the value count does not match the size.
    public init(width: Int, height: Int, channels: Int = 3, pixels: [Float]) throws(MetricsError) {
        guard width > 0, height > 0, channels > 0 else {
            throw .invalidArgument("image size \(width)×\(height)×\(channels) must be positive")
        }
        guard pixels.count == width * height * channels else {
            throw .invalidArgument("image \(width)×\(height)×\(channels) needs \(width * height * channels) values, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An RGB image from packed 8-bit R G B bytes (the layout of `VideoFrame.rgb`), scaled to [0, 1].
    public init(width: Int, height: Int, rgb8: [UInt8]) throws(MetricsError) {
        guard width > 0, height > 0, rgb8.count == width * height * 3 else {
            throw .invalidArgument("RGB image \(width)×\(height) needs \(max(0, width * height * 3)) bytes, got \(rgb8.count)")
        }
        let plane = width * height
        var out = [Float](repeating: 0, count: plane * 3)
        rgb8.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    for c in 0..<3 { dst[c * plane + i] = Float(src[i * 3 + c]) / 255 }
                }
            }
        }
        self.width = width
        self.height = height
        self.channels = 3
        self.pixels = out
    }

    /// `width × height`.
    public var planeSize: Int { width * height }

    /// "W×H×C", for messages.
    public var sizeDescription: String { "\(width)×\(height)×\(channels)" }

    // MARK: - Conversions

    /// The image as it would be stored in an 8-bit file: each value clamped to [0, 1] and rounded to the nearest k/255.
    ///
    /// The same rounding as `VideoFrame(width:height:planar:)`, so a restored frame measured here scores what the
    /// written video will score.
    public func quantized8Bit() -> PlanarImage {
        var copy = self
        copy.pixels.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                // floor(v·255 + 0.5) clamped to 0…255 (NaN maps to 0). floor without a libm call:
                // adding and removing 2²³ rounds to nearest, then step down where that rounded up.
                let x = p[i] * 255 + 0.5
                let clamped: Float = x > 0 ? (x < 255 ? x : 255) : 0
                let nearest = (clamped + 8_388_608) - 8_388_608
                p[i] = (nearest > clamped ? nearest - 1 : nearest) / 255
            }
        }
        return copy
    }

    /// The BT.601 luma plane of an RGB image, studio range: Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255.
    ///
    /// This is MATLAB's `rgb2ycbcr` (and scikit-image's `rgb2ycbcr` / 255), the "Y channel" of the
    /// super-resolution and frame-interpolation literature; values lie in [16/255, 235/255] and metrics still use a
    /// data range of 1, so Y-PSNR is not comparable with RGB-PSNR.
    public func lumaBT601() throws(MetricsError) -> PlanarImage {
        guard channels == 3 else { throw .invalidArgument("luma needs an RGB image, got \(channels) channel(s)") }
        let n = planeSize
        var y = [Float](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { p in
            y.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    out[i] = (16 + 65.481 * p[i] + 128.553 * p[n + i] + 24.966 * p[2 * n + i]) / 255
                }
            }
        }
        return try PlanarImage(width: width, height: height, channels: 1, pixels: y)
    }
}
