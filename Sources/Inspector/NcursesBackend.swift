import CNcursesw
import CSixel
import Foundation
import SafeOutput

/// The real terminal: ncurses for text, keys, mouse and resize; sixel and exact 24-bit cells written
/// directly after `doupdate()`, inside ESC 7 … ESC 8 and clear of the bottom row, so ncurses never draws over
/// them and the terminal never scrolls.
///
/// `shutdown()` always restores the terminal; signal handlers installed by `TerminalGuard` do the same
/// on Ctrl-C, SIGTERM or a crash.
public final class NcursesBackend: TerminalBackend {
    private var screen: OpaquePointer?
    private let window: UnsafeMutablePointer<WINDOW>
    public private(set) var size: (width: Int, height: Int)
    public private(set) var cellPixels: (width: Int, height: Int)?
    public let supportsExactColors: Bool
    /// Colours the terminal offers (COLORS).
    public let colors: Int
    private let directColor: Bool
    private var pairs: [Int64: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var last: ScreenBuffer?
    private var lastImages: Set<ImagePlacement> = []
    private var exactShadow: [Cell?] = []
    private var fullRepaint = true
    /// Set when `pair` ran out of colour pairs and started over: cells drawn earlier in the same frame now
    /// show the wrong colours, so the frame is drawn again from the top.
    private var pairsRecycled = false
    /// The terminal's colour registers (XTSMGRAPHICS), error diffusion, one palette for every image on screen.
    private let sixel: SixelEncoder
    /// Sixel data encoded ahead by `prepareSixels`, by placement key.
    private var prepared: [String: [UInt8]] = [:]
    private var isOpen = true

    /// Takes over the terminal. Throws when stdin/stdout is not a terminal or TERM is unknown. `colorRegisters` is
    /// the terminal's XTSMGRAPHICS answer (nil: `SixelEncoder.defaultRegisters`).
    public init(exactColors: Bool, colorRegisters: Int? = nil) throws(InspectorError) {
        sixel = SixelEncoder(registers: colorRegisters ?? SixelEncoder.defaultRegisters)
        guard isatty(0) == 1, isatty(1) == 1 else { throw .terminalUnavailable("stdin and stdout must be a terminal (use dropfill doctor)") }
        setlocale(LC_ALL, "")
        guard let scr = dropfill_newterm(nil) else {
            throw .terminalUnavailable("ncurses does not know TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "(unset)")")
        }
        screen = scr
        set_term(scr)
        guard let win = dropfill_stdscr() else {
            endwin()
            throw .terminalUnavailable("no standard screen")
        }
        window = win
        TerminalGuard.install()
        raw()
        noecho()
        nonl()
        keypad(win, true)
        idlok(win, false)
        idcok(win, false)
        curs_set(0)
        set_escdelay(25)
        mouseinterval(0)
        mousemask(dropfill_mouse_mask(), nil)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        colors = Int(dropfill_colors())
        directColor = colors >= 0x1000000
        maxPairs = Int32(max(0, dropfill_color_pairs()))
        supportsExactColors = exactColors
        size = (0, 0)
        updateSize()
    }

    deinit { shutdown() }

    /// Restores the terminal (idempotent).
    public func shutdown() {
        guard isOpen else { return }
        isOpen = false
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        TerminalGuard.uninstall()
    }

    private func updateSize() {
        var h: Int32 = 0, w: Int32 = 0
        dropfill_getmaxyx(window, &h, &w)
        size = (Int(w), Int(h))
        var rows: Int32 = 0, cols: Int32 = 0, xp: Int32 = 0, yp: Int32 = 0
        if dropfill_winsize(1, &rows, &cols, &xp, &yp) == 0, xp > 0, yp > 0, cols > 0, rows > 0 {
            cellPixels = (Int(xp / cols), Int(yp / rows))
        } else {
            cellPixels = nil
        }
    }

    public func invalidate() {
        fullRepaint = true
        clearok(window, true)
    }

    // MARK: - Colours

    private func colorNumber(_ c: CellColor) -> Int32 {
        guard case let .rgb(rgb) = c else { return -1 }
        if directColor { return Int32(rgb.r) << 16 | Int32(rgb.g) << 8 | Int32(rgb.b) }
        if colors >= 256 { return Int32(ColorQuantizer.index256(rgb)) }
        if colors >= 16 { return Int32(ColorQuantizer.index16(rgb)) }
        if colors >= 8 { return Int32(ColorQuantizer.index16(rgb) % 8) }
        return -1
    }

    private func pair(_ style: CellStyle) -> Int32 {
        guard colors >= 8 else { return 0 }
        let f = colorNumber(style.fg), b = colorNumber(style.bg)
        if f == -1 && b == -1 { return 0 }
        let key = Int64(f) << 32 | Int64(UInt32(bitPattern: b))
        if let p = pairs[key] { return p }
        if nextPair >= maxPairs {
            // Out of pairs: start over and repaint everything with the new assignments.
            pairs.removeAll()
            nextPair = 1
            fullRepaint = true
            pairsRecycled = true
        }
        let p = nextPair
        nextPair += 1
        init_extended_pair(p, f, b)
        pairs[key] = p
        return p
    }

    private func attrs(_ a: CellAttributes) -> attr_t {
        var r = dropfill_a_normal()
        if a.contains(.bold) { r |= dropfill_a_bold() }
        if a.contains(.reverse) { r |= dropfill_a_reverse() }
        if a.contains(.underline) { r |= dropfill_a_underline() }
        if a.contains(.dim) { r |= dropfill_a_dim() }
        return r
    }

    // MARK: - Presenting

    public func present(_ buffer: ScreenBuffer) {
        guard isOpen else { return }
        let sameSize = last.map { $0.width == buffer.width && $0.height == buffer.height } ?? false
        if !sameSize { fullRepaint = true }
        // Rows under images that went away (or changed) must be repainted by ncurses to erase their pixels.
        let current = Set(buffer.images)
        var dirtyRows = IndexSet()
        // A sixel replaced by another of the same rectangle (the next frame of a playback) is painted over by it:
        // erasing it first would leave the screen blank while the next one is encoded, which at a playback's pace
        // is nearly always.
        let replacedInPlace = Set(current.filter { $0.kind == .sixel }.map(\.rect))
        for old in lastImages where !current.contains(old) {
            if old.kind == .sixel && replacedInPlace.contains(old.rect) { continue }
            dirtyRows.insert(integersIn: old.rect.y..<min(buffer.height, old.rect.maxY))
        }
        // Rows ncurses will send something for: there it may rewrite unchanged cells too (cheaper than moving the
        // cursor), in its own approximation of their colour, so exact 24-bit cells on those rows are sent again.
        var changedRows = IndexSet()
        for attempt in 0..<2 {
            pairsRecycled = false
            for y in 0..<buffer.height {
                let redraw = fullRepaint || dirtyRows.contains(y)
                for x in 0..<buffer.width {
                    let cell = buffer[x, y]
                    if !redraw, sameSize, let last, last[x, y] == cell { continue }
                    changedRows.insert(y)
                    _ = dropfill_put_cell(window, Int32(y), Int32(x), Int32(bitPattern: cell.char.value), attrs(cell.style.attributes), pair(cell.style))
                }
            }
            // Pairs ran out half way: the cells before that point use reassigned pairs; draw everything once more.
            if !pairsRecycled || attempt == 1 { break }
            fullRepaint = true
        }
        for range in dirtyRows.rangeView { wredrawln(window, Int32(range.lowerBound), Int32(range.count)) }
        if fullRepaint { exactShadow = [] }
        wnoutrefresh(window)
        doupdate()
        drawImages(buffer, dirtyRows: dirtyRows.union(changedRows), all: fullRepaint)
        last = buffer
        lastImages = current
        fullRepaint = false
    }

    // MARK: - Sixel data encoded ahead

    /// Encodes `placements` now, with one palette made from an even sample of at most 16 of their pictures (the
    /// frames of one stimulus share their colours), keeping the bytes until the next call.
    public func prepareSixels(_ placements: [ImagePlacement]) {
        let sixels = placements.filter { $0.kind == .sixel && $0.image != nil }
        prepared = [:]
        guard !sixels.isEmpty else { return }
        let stride = max(1, (sixels.count + 15) / 16)
        let sample = Swift.stride(from: 0, to: sixels.count, by: stride).compactMap { sixels[$0].image }
        let palette = sixel.palette(for: sample)
        for p in sixels where prepared[p.key] == nil {
            if let image = p.image { prepared[p.key] = sixel.encode(image, palette: palette) }
        }
    }

    private func drawImages(_ buffer: ScreenBuffer, dirtyRows: IndexSet, all: Bool) {
        if exactShadow.count != buffer.width * buffer.height {
            exactShadow = [Cell?](repeating: nil, count: buffer.width * buffer.height)
        }
        var out: [UInt8] = []
        var inExact = [Bool](repeating: false, count: buffer.width * buffer.height)
        func isTouched(_ p: ImagePlacement) -> Bool {
            all || !lastImages.contains(p) || (p.rect.y..<p.rect.maxY).contains { dirtyRows.contains($0) }
        }
        // Images shown together share one palette, so a colour looks the same in each of them: when any sixel
        // image changes, all are drawn again with a palette made from all of them.
        let sixels = buffer.images.filter { $0.kind == .sixel && $0.image != nil }
        let redrawSixels = sixels.contains(where: isTouched)
        // Prepared data is used only when every sixel on screen has some (they then share the prepared palette).
        let allPrepared = !sixels.isEmpty && sixels.allSatisfy { prepared[$0.key] != nil }
        let palette = redrawSixels && !allPrepared ? sixel.palette(for: sixels.compactMap(\.image)) : nil
        for p in buffer.images {
            let touched = isTouched(p)
            switch p.kind {
            case .sixel:
                guard redrawSixels, let image = p.image else { continue }
                let data: [UInt8]
                if allPrepared, let ready = prepared[p.key] {
                    data = ready
                } else if let palette {
                    data = sixel.encode(image, palette: palette)
                } else {
                    continue
                }
                // DECSDM off (mode 80 reset): the image goes at the cursor, not the top-left corner (xterm's
                // sixelScrolling:false sets it). The image never reaches the bottom row, so nothing scrolls.
                out += Array("\u{1B}7\u{1B}[?80l\u{1B}[\(p.rect.y + 1);\(p.rect.x + 1)H".utf8)
                out += data
                out += Array("\u{1B}8".utf8)
            case .exactCells:
                guard supportsExactColors else { continue }
                for y in max(0, p.rect.y)..<min(buffer.height, p.rect.maxY) {
                    var cursorAt = -1
                    for x in max(0, p.rect.x)..<min(buffer.width, p.rect.maxX) {
                        let i = y * buffer.width + x
                        inExact[i] = true
                        let cell = buffer.cells[i]
                        if !touched && !dirtyRows.contains(y), exactShadow[i] == cell { continue }
                        exactShadow[i] = cell
                        if cursorAt != x { out += Array("\u{1B}[\(y + 1);\(x + 1)H".utf8) }
                        out += sgr(cell.style)
                        out += Array(String(cell.char).utf8)
                        cursorAt = x + 1
                    }
                }
            }
        }
        for i in exactShadow.indices where !inExact[i] { exactShadow[i] = nil }
        guard !out.isEmpty else { return }
        let framed = Array("\u{1B}7".utf8) + out + Array("\u{1B}[0m\u{1B}8".utf8)
        framed.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { dropfill_write_stdout($0.baseAddress, $0.count) }
        }
    }

    private func sgr(_ s: CellStyle) -> [UInt8] {
        var codes = "0"
        if s.attributes.contains(.bold) { codes += ";1" }
        if s.attributes.contains(.dim) { codes += ";2" }
        if s.attributes.contains(.underline) { codes += ";4" }
        if s.attributes.contains(.reverse) { codes += ";7" }
        if case let .rgb(c) = s.fg { codes += ";38;2;\(c.r);\(c.g);\(c.b)" }
        if case let .rgb(c) = s.bg { codes += ";48;2;\(c.r);\(c.g);\(c.b)" }
        return Array("\u{1B}[\(codes)m".utf8)
    }

    // MARK: - Input

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        guard isOpen else { return nil }
        wtimeout(window, Int32(max(0, timeoutMilliseconds)))
        var ch: wint_t = 0
        let r = wget_wch(window, &ch)
        if r == ERR { return nil }
        if r == dropfill_key_code_yes() {
            switch Int32(ch) {
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_BTAB: return .key(.tab)
            case KEY_RESIZE:
                updateSize()
                invalidate()
                return .resize(width: size.width, height: size.height)
            case KEY_MOUSE:
                var ev = MEVENT()
                guard getmouse(&ev) == OK else { return nil }
                if ev.bstate & (dropfill_button1_clicked() | dropfill_button1_pressed()) != 0 { return .click(x: Int(ev.x), y: Int(ev.y)) }
                if ev.bstate & dropfill_button4_pressed() != 0 { return .scroll(x: Int(ev.x), y: Int(ev.y), up: true) }
                if ev.bstate & dropfill_button5_pressed() != 0 { return .scroll(x: Int(ev.x), y: Int(ev.y), up: false) }
                return nil
            default: return nil
            }
        }
        return Self.key(forCode: UInt32(ch)).map { .key($0) }
    }

    /// The `Key` for a character code read in raw mode (control codes become Ctrl-letters).
    static func key(forCode c: UInt32) -> Key? {
        switch c {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return Unicode.Scalar(c + 96).map { .ctrl(Character($0)) }
        default: return Unicode.Scalar(c).map { .char(Character($0)) }
        }
    }
}

/// Restores the terminal on Ctrl-C, SIGTERM, SIGHUP and crashes, then lets the signal take its course.
enum TerminalGuard {
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL]

    static func install() {
        for s in signals {
            signal(s) { sig in
                TemporaryFiles.removeAllNow()
                endwin()
                let reset = "\u{1B}[0m\u{1B}[?25h\r\n"
                _ = reset.withCString { write(1, $0, strlen($0)) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    static func uninstall() {
        for s in signals { signal(s, SIG_DFL) }
        TemporaryFiles.reinstallHandlers()
    }
}
