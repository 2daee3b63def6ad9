/// How two frames are prepared before they are compared: which colour planes, and whether they are rounded to 8 bits.
///
/// Every table must say which convention it used (DECISIONS.md, "Metrics"). The project's default,
/// `.standard`, is RGB compared after 8-bit rounding, because restored frames are written as 8-bit video.
public struct MetricConvention: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The planes compared.
    public enum Color: String, Sendable, Hashable, Codable {
        /// All RGB channels, metric computed per channel and averaged (PSNR: MSE over all values).
        case rgb
        /// BT.601 studio-range luma only (see `PlanarImage.lumaBT601()`).
        case lumaBT601
    }

    /// The planes compared.
    public var color: Color
    /// Round both images to 8 bits before comparing (what RIFE's evaluation does).
    public var roundTo8Bit: Bool

    public init(color: Color = .rgb, roundTo8Bit: Bool = true) {
        self.color = color
        self.roundTo8Bit = roundTo8Bit
    }

    /// RGB, compared after 8-bit rounding: the convention of dropfill's tables.
    public static let standard = MetricConvention(color: .rgb, roundTo8Bit: true)
    /// RGB on the raw Float values, no rounding.
    public static let rgbUnrounded = MetricConvention(color: .rgb, roundTo8Bit: false)
    /// BT.601 luma after 8-bit rounding of the RGB values.
    public static let luma = MetricConvention(color: .lumaBT601, roundTo8Bit: true)

    public var description: String {
        (color == .rgb ? "RGB" : "BT.601 luma (studio range)") + (roundTo8Bit ? ", compared after 8-bit rounding" : ", unrounded")
    }

    /// Applies the convention to one image: rounding first (on RGB), then the colour conversion.
    public func prepare(_ image: PlanarImage) throws(MetricsError) -> PlanarImage {
        let rounded = roundTo8Bit ? image.quantized8Bit() : image
        switch color {
        case .rgb: return rounded
        case .lumaBT601: return try rounded.lumaBT601()
        }
    }

    /// Checks that two images can be compared and prepares both.
    func preparePair(_ a: PlanarImage, _ b: PlanarImage) throws(MetricsError) -> (PlanarImage, PlanarImage) {
        guard a.width == b.width, a.height == b.height, a.channels == b.channels else {
            throw .sizeMismatch("\(a.sizeDescription) vs \(b.sizeDescription)")
        }
        return (try prepare(a), try prepare(b))
    }
}
