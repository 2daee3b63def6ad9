import Corpus
import Media

/// A line chart drawn into an RGB frame: one or more series over a shared x axis, with ticks, labels and a legend.
///
/// Enough for the paper's Figure 12 (a metric against the drop rate, one line per method) without a plotting
/// dependency; `PNGImage.write` saves it.
public struct LinePlot: Sendable {
    /// One line: a name for the legend and (x, y) points.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width: Int
    public var height: Int

    public init(title: String, xLabel: String, yLabel: String, series: [Series], width: Int = 640, height: Int = 420) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.width = width
        self.height = height
    }

    /// Distinct colours for up to eight series (then they repeat).
    static let palette: [(UInt8, UInt8, UInt8)] = [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
    ]

    /// Renders the chart.
    public func render() throws(MediaError) -> VideoFrame {
        var canvas = Canvas(width: width, height: height)
        let left = 56, right = width - 150, top = 28, bottom = height - 40
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        var (x0, x1) = (finite.map(\.x).min() ?? 0, finite.map(\.x).max() ?? 1)
        var (y0, y1) = (finite.map(\.y).min() ?? 0, finite.map(\.y).max() ?? 1)
        if x1 - x0 < 1e-9 { x0 -= 0.5; x1 += 0.5 }
        if y1 - y0 < 1e-9 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.08
        y0 -= pad
        y1 += pad
        func px(_ x: Double) -> Int { left + Int((x - x0) / (x1 - x0) * Double(right - left)) }
        func py(_ y: Double) -> Int { bottom - Int((y - y0) / (y1 - y0) * Double(bottom - top)) }

        // Axes, grid and ticks.
        let grid: (UInt8, UInt8, UInt8) = (225, 225, 225), ink: (UInt8, UInt8, UInt8) = (40, 40, 40)
        for i in 0...4 {
            let y = y0 + (y1 - y0) * Double(i) / 4
            canvas.line(left, py(y), right, py(y), grid)
            canvas.text(Self.format(y), x: 4, y: py(y) - 3, ink)
        }
        let xs = Array(Set(finite.map(\.x))).sorted()
        for x in xs.count <= 8 ? xs : (0...4).map({ x0 + (x1 - x0) * Double($0) / 4 }) {
            canvas.line(px(x), top, px(x), bottom, grid)
            let label = Self.format(x)
            canvas.text(label, x: px(x) - label.count * 3, y: bottom + 6, ink)
        }
        canvas.line(left, bottom, right, bottom, ink)
        canvas.line(left, top, left, bottom, ink)
        canvas.text(title, x: max(left + 70, (left + right) / 2 - title.count * 3), y: 6, ink)
        canvas.text(xLabel, x: (left + right) / 2 - xLabel.count * 3, y: height - 16, ink)
        canvas.text(yLabel, x: 4, y: top - 14, ink)

        // Lines with square markers, and the legend.
        for (i, s) in series.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
            for (a, b) in zip(pts, pts.dropFirst()) { canvas.line(px(a.x), py(a.y), px(b.x), py(b.y), colour, thick: true) }
            for p in pts { canvas.fill(px(p.x) - 2, py(p.y) - 2, 5, 5, colour) }
            let ly = top + 6 + i * 14
            canvas.fill(right + 12, ly, 14, 4, colour)
            canvas.text(s.name, x: right + 32, y: ly - 2, ink)
        }
        return try VideoFrame(width: width, height: height, rgb: canvas.rgb)
    }

    static func format(_ v: Double) -> String {
        let a = abs(v)
        if a >= 100 { return String(Int(v.rounded())) }
        if a >= 10 { return String(format1: v, digits: 1) }
        return String(format1: v, digits: a >= 1 ? 2 : 3)
    }
}

// MARK: - Drawing

/// A white RGB canvas with lines, rectangles and 5×7 text.
struct Canvas {
    let width: Int
    let height: Int
    var rgb: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        rgb = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let o = (y * width + x) * 3
        rgb[o] = c.0
        rgb[o + 1] = c.1
        rgb[o + 2] = c.2
    }

    mutating func fill(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ c: (UInt8, UInt8, UInt8)) {
        for yy in y..<y + h { for xx in x..<x + w { set(xx, yy, c) } }
    }

    /// Bresenham's line.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8), thick: Bool = false) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, c)
            if thick { set(x + 1, y, c); set(x, y + 1, c) }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    mutating func text(_ s: String, x: Int, y: Int, _ c: (UInt8, UInt8, UInt8)) {
        var cx = x
        for ch in s {
            let g = BitmapFont.glyph(ch)
            for (row, bits) in g.enumerated() {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> col) != 0 { set(cx + col, y + row, c) }
            }
            cx += BitmapFont.glyphWidth + 1
        }
    }
}

extension String {
    /// A fixed-point rendering without Foundation's locale-dependent formatting.
    init(format1 v: Double, digits: Int) {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(v) * scale).rounded()
        let whole = Int(r / scale), frac = Int(r) - whole * Int(scale)
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        self = (v < 0 && r > 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + f : "")
    }
}
