/// A 24-bit colour.
public struct RGBColor: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Parses "#RRGGBB" (the theme files' notation); nil for anything else.
    public init?(hex: String) {
        let s = hex.hasPrefix("#") ? hex.dropFirst() : Substring(hex)
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self.init(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
    }

    /// "#RRGGBB".
    public var description: String {
        let h = String(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b), radix: 16, uppercase: true)
        return "#" + String(repeating: "0", count: 6 - h.count) + h
    }

    /// Rec. 601 luma in [0, 1].
    public var luma: Double { (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255 }

    /// Linear mix: `t` = 0 gives self, 1 gives `other`.
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8(max(0, min(255, (Double(a) + (Double(b) - Double(a)) * t).rounded()))) }
        return RGBColor(m(r, other.r), m(g, other.g), m(b, other.b))
    }
}

/// A cell colour: the terminal's default, or an exact colour the backend maps to what the terminal can show.
public enum CellColor: Hashable, Sendable {
    case terminalDefault
    case rgb(RGBColor)
}

/// Text attributes of a cell.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1)
    public static let reverse = CellAttributes(rawValue: 2)
    public static let underline = CellAttributes(rawValue: 4)
    public static let dim = CellAttributes(rawValue: 8)
}

/// Foreground, background and attributes, applied together.
public struct CellStyle: Hashable, Sendable {
    public var fg: CellColor
    public var bg: CellColor
    public var attributes: CellAttributes

    public init(fg: CellColor = .terminalDefault, bg: CellColor = .terminalDefault, attributes: CellAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = CellStyle()
}

/// One character cell: a single-width scalar and its style.
public struct Cell: Hashable, Sendable {
    public var char: Unicode.Scalar
    public var style: CellStyle

    public init(_ char: Unicode.Scalar = " ", _ style: CellStyle = .plain) {
        self.char = char
        self.style = style
    }

    public static let blank = Cell()
}

/// A rectangle of cells: origin at the top left.
public struct CellRect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The rectangle shrunk by `dx` columns and `dy` rows on every side.
    public func insetBy(dx: Int, dy: Int) -> CellRect { CellRect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy) }

    public func intersects(_ o: CellRect) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}

/// A picture the backend draws itself on top of the cells, after the text (sixel, or exact 24-bit half-blocks).
public struct ImagePlacement: Hashable, Sendable {
    /// How the backend draws it.
    public enum Kind: Hashable, Sendable {
        /// Encode `image` as sixel into `rect` (the cells underneath hold blanks).
        case sixel
        /// Re-emit the cells of `rect` with exact 24-bit colours (they already hold half-blocks).
        case exactCells
    }

    public var rect: CellRect
    public var kind: Kind
    /// What is shown, for change detection ("truth@12").
    public var key: String
    /// The picture for `.sixel`, already scaled to the rect's pixel size; nil for `.exactCells`.
    public var image: RGBImage?

    public init(rect: CellRect, kind: Kind, key: String, image: RGBImage? = nil) {
        self.rect = rect
        self.kind = kind
        self.key = key
        self.image = image
    }

    public static func == (a: ImagePlacement, b: ImagePlacement) -> Bool { a.rect == b.rect && a.kind == b.kind && a.key == b.key }
    public func hash(into h: inout Hasher) {
        h.combine(rect)
        h.combine(kind)
        h.combine(key)
    }
}

/// The screen model every view draws into: a grid of cells plus image placements. Backends present it.
public struct ScreenBuffer: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var cells: [Cell]
    /// Pictures the backend draws after the cells.
    public var images: [ImagePlacement] = []
    /// Where a mouse click lands: named regions in draw order (the last match wins).
    public var hitRegions: [(name: String, rect: CellRect)] = []

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public var bounds: CellRect { CellRect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Sets one cell; ignores positions outside the screen.
    @inline(__always)
    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = cell
    }

    /// Fills `rect` (clipped) with `char` in `style`.
    public mutating func fill(_ rect: CellRect, _ char: Unicode.Scalar = " ", _ style: CellStyle = .plain) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX), y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(char, style)
        for y in y0..<y1 { for x in x0..<x1 { cells[y * width + x] = cell } }
    }

    /// Writes `text` from (x, y), one scalar per cell, cut at `maxWidth` columns (and the screen edge).
    /// Returns the columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, _ style: CellStyle = .plain, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var cx = x, written = 0
        for s in text.unicodeScalars {
            if written >= maxWidth || cx >= width { break }
            if s.properties.generalCategory == .nonspacingMark { continue }
            if cx >= 0 { cells[y * width + cx] = Cell(s, style) }
            cx += 1
            written += 1
        }
        return written
    }

    /// Records a click region.
    public mutating func addHitRegion(_ name: String, _ rect: CellRect) { hitRegions.append((name, rect)) }

    /// The name and rect of the topmost region under (x, y).
    public func hitRegion(x: Int, y: Int) -> (name: String, rect: CellRect)? { hitRegions.last { $0.rect.contains(x: x, y: y) } }

    /// Removes image placements that overlap `rect` (an overlay drawn on top hides them).
    public mutating func removeImages(overlapping rect: CellRect) { images.removeAll { $0.rect.intersects(rect) } }

    /// Replaces every non-ASCII character with an ASCII look-alike, for terminals without UTF-8 (LC_ALL=C):
    /// text written with arrows, dashes or symbols stays legible instead of turning into mojibake.
    public mutating func foldToASCII() {
        for i in cells.indices where !cells[i].char.isASCII {
            let c: Unicode.Scalar
            switch cells[i].char {
            case "→", "▶", "▸": c = ">"
            case "←": c = "<"
            case "—", "–", "─", "−": c = "-"
            case "│", "┃", "‖": c = "|"
            case "·", "•": c = "."
            case "×", "✗": c = "x"
            case "▲", "↑": c = "^"
            case "▼", "↓": c = "v"
            case "∞": c = "~"
            case "●", "◆", "█", "▀": c = "#"
            case "○": c = "o"
            case "≤": c = "<"
            case "≥": c = ">"
            default: c = "?"
            }
            cells[i].char = c
        }
    }

    /// Row `y` as text (trailing blanks kept).
    public func line(_ y: Int) -> String {
        var s = String.UnicodeScalarView()
        for x in 0..<width { s.append(cells[y * width + x].char) }
        return String(s)
    }

    /// The character grid, one string per row, trailing blanks trimmed: what snapshot tests compare.
    public var textLines: [String] {
        (0..<height).map { y in
            var l = line(y)
            while l.last == " " { l.removeLast() }
            return l
        }
    }

    /// The whole character grid as one string.
    public var text: String { textLines.joined(separator: "\n") }
}
