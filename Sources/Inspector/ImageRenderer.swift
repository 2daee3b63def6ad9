import Media

/// How pictures reach the screen, best first: sixel, else half-blocks in 24-bit colour, else 256 colours, else
/// ASCII shading (README, "The inspector"; `GraphicsProbe` picks the first the terminal supports).
public enum GraphicsMode: String, CaseIterable, Sendable {
    case sixel
    case truecolor
    case color256 = "256"
    case ascii

    /// Status-bar name.
    public var label: String {
        switch self {
        case .sixel: "sixel"
        case .truecolor: "24-bit ▀"
        case .color256: "256 ▀"
        case .ascii: "ascii"
        }
    }

    /// Parses `--graphics` values (also "24bit", "half", "256color").
    public init?(option: String) {
        switch option.lowercased() {
        case "sixel": self = .sixel
        case "truecolor", "24bit", "24-bit", "direct", "half", "halfblock": self = .truecolor
        case "256", "256color", "color256": self = .color256
        case "ascii", "text": self = .ascii
        default: return nil
        }
    }
}

/// The glyphs views draw with: Unicode when the locale is UTF-8, plain ASCII otherwise (LC_ALL=C).
public struct Glyphs: Sendable, Equatable {
    public var upperHalf: Unicode.Scalar
    public var predicted: Unicode.Scalar
    public var wrong: Unicode.Scalar
    public var truth: Unicode.Scalar
    public var block: Unicode.Scalar
    public var light: Unicode.Scalar
    public var cursorUp: Unicode.Scalar
    public var cursorDown: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var horizontal: Unicode.Scalar
    public var predecessor: Unicode.Scalar
    public var rowMarker: Unicode.Scalar
    public var ellipsis: String
    public var separator: String

    public static let unicode = Glyphs(upperHalf: "▀", predicted: "●", wrong: "✗", truth: "○", block: "█", light: "·",
                                       cursorUp: "▲", cursorDown: "▼", vertical: "│", horizontal: "─", predecessor: "◆",
                                       rowMarker: "▶", ellipsis: "…", separator: " │ ")
    public static let ascii = Glyphs(upperHalf: "#", predicted: "*", wrong: "X", truth: "o", block: "#", light: ".",
                                     cursorUp: "^", cursorDown: "v", vertical: "|", horizontal: "-", predecessor: "@",
                                     rowMarker: ">", ellipsis: "...", separator: " | ")
}

/// Draws pictures into a `ScreenBuffer` in any `GraphicsMode`.
public enum ImageRenderer {
    /// ASCII shading ramp, dark to bright.
    public static let asciiRamp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// The size (in source-pixel units) `image` takes in a `cols × rows` cell box with half-blocks:
    /// one column per pixel, two pixel rows per cell row, aspect kept.
    public static func halfBlockSize(imageWidth w: Int, imageHeight h: Int, cols: Int, rows: Int) -> (width: Int, height: Int) {
        guard w > 0, h > 0, cols > 0, rows > 0 else { return (0, 0) }
        let scale = min(Double(cols) / Double(w), Double(2 * rows) / Double(h))
        return (max(1, Int(Double(w) * scale)), max(2, Int(Double(h) * scale) & ~1))
    }

    /// Draws `image` fitted into `rect`, centred horizontally, top aligned. Returns the rect actually used.
    ///
    /// - sixel: blanks the cells and adds a `.sixel` placement with the image scaled to the cells' pixel size.
    /// - truecolor / color256: `▀` cells with the top pixel as foreground and the bottom one as background
    ///   (color256 snaps colours to xterm's palette); truecolor adds an `.exactCells` placement when
    ///   `exactColors` is set, so the backend can emit 24-bit colours ncurses cannot.
    /// - ascii: one luminance character per cell.
    ///
    /// `allowUpscaling` false keeps a picture at most at its native size (a rating stimulus is never enlarged).
    @discardableResult
    public static func draw(_ image: RGBImage, into buffer: inout ScreenBuffer, rect: CellRect, mode: GraphicsMode, key: String,
                            cellPixels: (width: Int, height: Int), glyphs: Glyphs, exactColors: Bool,
                            background: CellStyle = .plain, allowUpscaling: Bool = true) -> CellRect {
        guard !rect.isEmpty else { return rect }
        switch mode {
        case .sixel:
            let pw = rect.width * cellPixels.width, ph = rect.height * cellPixels.height
            var scale = min(Double(pw) / Double(image.width), Double(ph) / Double(image.height))
            if !allowUpscaling { scale = min(1, scale) }
            let w = max(1, Int(Double(image.width) * scale)), h = max(1, Int(Double(image.height) * scale))
            let cols = min(rect.width, (w + cellPixels.width - 1) / cellPixels.width)
            let rows = min(rect.height, (h + cellPixels.height - 1) / cellPixels.height)
            let used = CellRect(x: rect.x + (rect.width - cols) / 2, y: rect.y, width: cols, height: rows)
            buffer.fill(used, " ", background)
            let scaled = (w == image.width && h == image.height) ? image : ((try? Resampler.resize(image, width: w, height: h)) ?? image)
            buffer.images.append(ImagePlacement(rect: used, kind: .sixel, key: "\(key)@\(w)x\(h)", image: scaled))
            return used
        case .truecolor, .color256:
            // One pixel a column, two a row: without upscaling the box is at most the picture's own size.
            let (w, h) = halfBlockSize(imageWidth: image.width, imageHeight: image.height,
                                       cols: allowUpscaling ? rect.width : min(rect.width, image.width),
                                       rows: allowUpscaling ? rect.height : min(rect.height, (image.height + 1) / 2))
            guard w > 0, h > 0, let scaled = w == image.width && h == image.height ? image : try? Resampler.resize(image, width: w, height: h)
            else { return rect }
            let x0 = rect.x + (rect.width - w) / 2
            let used = CellRect(x: x0, y: rect.y, width: w, height: h / 2)
            let snap = mode == .color256
            scaled.rgb.withUnsafeBufferPointer { px in
                for cy in 0..<h / 2 {
                    for cx in 0..<w {
                        let t = ((2 * cy) * w + cx) * 3, b = ((2 * cy + 1) * w + cx) * 3
                        var top = RGBColor(px[t], px[t + 1], px[t + 2]), bottom = RGBColor(px[b], px[b + 1], px[b + 2])
                        if snap {
                            top = ColorQuantizer.snap256(top)
                            bottom = ColorQuantizer.snap256(bottom)
                        }
                        buffer.set(x0 + cx, rect.y + cy, Cell(glyphs.upperHalf, CellStyle(fg: .rgb(top), bg: .rgb(bottom))))
                    }
                }
            }
            if mode == .truecolor && exactColors {
                buffer.images.append(ImagePlacement(rect: used, kind: .exactCells, key: "\(key)@\(w)x\(h)"))
            }
            return used
        case .ascii:
            let scale = min(Double(rect.width) / Double(image.width), Double(2 * rect.height) / Double(image.height))
            let w = max(1, Int(Double(image.width) * scale)), h = max(1, Int(Double(image.height) * scale / 2))
            guard let scaled = try? Resampler.resize(image, width: w, height: h) else { return rect }
            let x0 = rect.x + (rect.width - w) / 2
            for y in 0..<h {
                for x in 0..<w {
                    let i = (y * w + x) * 3
                    let l = RGBColor(scaled.rgb[i], scaled.rgb[i + 1], scaled.rgb[i + 2]).luma
                    let c = asciiRamp[min(asciiRamp.count - 1, Int(l * Double(asciiRamp.count)))]
                    buffer.set(x0 + x, rect.y + y, Cell(c, background))
                }
            }
            return CellRect(x: x0, y: rect.y, width: w, height: h)
        }
    }
}
