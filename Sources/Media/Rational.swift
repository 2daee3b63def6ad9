/// A frame rate or time base as an exact fraction, e.g. 30000/1001.
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The closest fraction with a small denominator (up to 1001) to a frames-per-second value.
    public init(fps: Double) {
        // Out-of-range values (NaN, ±∞, beyond any frame rate) give 0/1, which every caller rejects, instead of trapping.
        guard fps.isFinite, abs(fps) < 1e9 else { self.init(0, 1); return }
        if abs(fps.rounded() - fps) < 1e-6 { self.init(Int(fps.rounded()), 1); return }
        let ntsc = fps * 1001 / 1000
        if abs(ntsc.rounded() - ntsc) < 1e-3 { self.init(Int(ntsc.rounded()) * 1000, 1001); return }
        self.init(Int((fps * 1000).rounded()), 1000)
    }

    /// The value as a Double (0 when the denominator is 0).
    public var value: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}
