import CNcursesw
import Foundation

/// What the terminal answered to the graphics queries.
public struct TerminalReplies: Sendable, Equatable {
    /// Primary device attributes (`CSI ? Ps ; … c`), e.g. [63, 1, 2, 4, 6, 9, 15, 22]; nil without an answer.
    public var da1: [Int]?
    /// XTSMGRAPHICS colour registers (`CSI ? 1 ; 0 ; Pv S`), nil without a (successful) answer.
    public var colorRegisters: Int?
    /// The raw bytes received, escaped for display.
    public var raw: String

    public init(da1: [Int]? = nil, colorRegisters: Int? = nil, raw: String = "") {
        self.da1 = da1
        self.colorRegisters = colorRegisters
        self.raw = raw
    }

    /// DA1 lists attribute 4: the terminal draws sixel.
    public var sixel: Bool { da1?.dropFirst().contains(4) ?? false }
}

/// The image mode chosen, and why, for `dropfill doctor` and the inspector.
public struct GraphicsDetection: Sendable, Equatable {
    public var mode: GraphicsMode
    /// Modes the `i` key cycles through.
    public var available: [GraphicsMode]
    /// One line per decision taken.
    public var reasons: [String]
}

/// Asks the terminal what it can draw: DA1 (sixel = attribute 4) and XTSMGRAPHICS (colour registers),
/// with a timeout, never hanging on a terminal that does not answer or a stdin that is not a tty.
public enum GraphicsProbe {
    /// XTSMGRAPHICS "read colour registers" then DA1: every terminal answers DA1, so once its reply is in,
    /// anything before it was the XTSMGRAPHICS answer (or nothing).
    public static let query = "\u{1B}[?1;1;0S\u{1B}[c"

    /// Parses replies (any order, with noise between).
    public static func parse(_ bytes: [UInt8]) -> TerminalReplies {
        var replies = TerminalReplies(raw: escaped(bytes))
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == 0x1B, bytes[i + 1] == UInt8(ascii: "["), bytes[i + 2] == UInt8(ascii: "?") else {
                i += 1
                continue
            }
            var j = i + 3
            while j < bytes.count, (bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] == UInt8(ascii: ";") { j += 1 }
            guard j < bytes.count else { break }
            let params = String(decoding: bytes[(i + 3)..<j], as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false)
                .map { Int($0) ?? 0 }
            switch bytes[j] {
            case UInt8(ascii: "c"):
                replies.da1 = params
            case UInt8(ascii: "S"):
                if params.count >= 3, params[0] == 1, params[1] == 0 { replies.colorRegisters = params[2] }
            default: break
            }
            i = j + 1
        }
        return replies
    }

    /// Whether a complete DA1 reply is in `bytes`.
    static func hasDA1(_ bytes: [UInt8]) -> Bool { parse(bytes).da1 != nil }

    /// Printable form of terminal bytes (ESC as `\e`).
    public static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { b -> String in
            switch b {
            case 0x1B: return "\\e"
            case 0x20..<0x7F: return String(UnicodeScalar(b))
            default: return String(format: "\\x%02x", b)
            }
        }.joined()
    }

    /// Sends the queries on the terminal and reads the replies for at most `timeout` seconds.
    /// Returns nil without asking when stdin or stdout is not a terminal.
    public static func ask(timeout: Double = 0.5) -> TerminalReplies? {
        guard isatty(0) == 1, isatty(1) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return nil }
        var rawMode = saved
        rawMode.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &rawMode.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(0, TCSANOW, &rawMode) == 0 else { return nil }
        defer { tcsetattr(0, TCSANOW, &saved) }
        _ = query.withCString { write(1, $0, strlen($0)) }
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 256)
        while Date() < deadline && !hasDA1(bytes) {
            var pfd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, 256) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return parse(bytes)
    }

    /// Picks the image mode from the replies and the environment; `forced` (from `--graphics`) wins.
    public static func detect(replies: TerminalReplies?, environment: [String: String], terminfoColors: Int,
                              forced: GraphicsMode? = nil) -> GraphicsDetection {
        var reasons: [String] = []
        let term = environment["TERM"] ?? ""
        let colorterm = (environment["COLORTERM"] ?? "").lowercased()
        let inMultiplexer = environment["TMUX"] != nil || term.hasPrefix("tmux") || term.hasPrefix("screen")
        let sixel = replies?.sixel ?? false
        if let replies {
            if let da1 = replies.da1 {
                reasons.append("DA1 reply \(da1.map(String.init).joined(separator: ";")): " + (sixel ? "attribute 4 present, sixel" : "no attribute 4, no sixel"))
            } else {
                reasons.append("no DA1 reply within the timeout: no sixel")
            }
            if let c = replies.colorRegisters { reasons.append("XTSMGRAPHICS: \(c) colour registers") }
        } else {
            reasons.append("stdin/stdout is not a terminal: not asked")
        }
        if inMultiplexer { reasons.append("inside tmux/screen (\(term)): sixel is usually dropped there") }
        let truecolor = colorterm == "truecolor" || colorterm == "24bit" || terminfoColors >= 0x1000000
        reasons.append("COLORTERM=\(colorterm.isEmpty ? "(unset)" : colorterm): " + (truecolor ? "24-bit colour" : "no 24-bit colour promise"))
        reasons.append("terminfo colours for TERM=\(term.isEmpty ? "(unset)" : term): \(terminfoColors < 0 ? "unknown" : String(terminfoColors))")
        var available: [GraphicsMode] = sixel ? [.sixel] : []
        available += [.truecolor, .color256, .ascii]
        let mode: GraphicsMode
        if let forced {
            mode = forced
            if !available.contains(forced) { available.insert(forced, at: 0) }
            reasons.append("forced by --graphics \(forced.rawValue)")
        } else if sixel {
            mode = .sixel
        } else if truecolor {
            mode = .truecolor
        } else if terminfoColors >= 256 {
            mode = .color256
        } else {
            mode = .ascii
        }
        reasons.append("chosen: \(mode.rawValue)")
        return GraphicsDetection(mode: mode, available: available, reasons: reasons)
    }
}

/// Everything `dropfill doctor` reports about the terminal.
public struct TerminalReport: Sendable, Codable {
    public var term: String?
    public var colorterm: String?
    public var stdinIsTTY: Bool
    public var stdoutIsTTY: Bool
    public var locale: String
    public var codeset: String
    public var utf8: Bool
    public var terminfoColors: Int
    public var rows: Int?
    public var columns: Int?
    public var pixelWidth: Int?
    public var pixelHeight: Int?
    public var da1: [Int]?
    public var da1Raw: String?
    public var sixel: Bool
    public var colorRegisters: Int?
    public var graphics: String
    public var availableGraphics: [String]
    public var reasons: [String]
    public var themes: [String]
    public var colormaps: [String]
    public var themeSearchPaths: [String]

    /// Probes the terminal now (asking it only when stdin and stdout are terminals).
    public static func gather(forced: GraphicsMode? = nil, timeout: Double = 0.5) -> TerminalReport {
        let env = ProcessInfo.processInfo.environment
        let locale = String(cString: setlocale(LC_ALL, "") ?? setlocale(LC_ALL, nil))
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        let colors = Int(dropfill_terminfo_colors(nil))
        var rows: Int32 = 0, cols: Int32 = 0, xp: Int32 = 0, yp: Int32 = 0
        let haveSize = dropfill_winsize(1, &rows, &cols, &xp, &yp) == 0
        let replies = GraphicsProbe.ask(timeout: timeout)
        let detection = GraphicsProbe.detect(replies: replies, environment: env, terminfoColors: colors, forced: forced)
        let loader = ThemeLoader()
        return TerminalReport(term: env["TERM"], colorterm: env["COLORTERM"], stdinIsTTY: isatty(0) == 1, stdoutIsTTY: isatty(1) == 1,
                              locale: locale, codeset: codeset, utf8: codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8",
                              terminfoColors: colors, rows: haveSize ? Int(rows) : nil, columns: haveSize ? Int(cols) : nil,
                              pixelWidth: haveSize && xp > 0 ? Int(xp) : nil, pixelHeight: haveSize && yp > 0 ? Int(yp) : nil,
                              da1: replies?.da1, da1Raw: replies?.raw, sixel: replies?.sixel ?? false, colorRegisters: replies?.colorRegisters,
                              graphics: detection.mode.rawValue, availableGraphics: detection.available.map(\.rawValue), reasons: detection.reasons,
                              themes: loader.availableThemes(), colormaps: loader.availableColormaps(), themeSearchPaths: loader.searchPaths)
    }

    /// The human-readable report.
    public var text: String {
        var l: [String] = []
        func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "—" }
        l.append("TERM          \(term ?? "(unset)")")
        l.append("COLORTERM     \(colorterm ?? "(unset)")")
        l.append("tty           stdin \(stdinIsTTY ? "yes" : "no"), stdout \(stdoutIsTTY ? "yes" : "no")")
        l.append("locale        \(locale) (codeset \(codeset)\(utf8 ? ", UTF-8: Unicode glyphs" : ", not UTF-8: ASCII glyphs"))")
        l.append("ncurses       \(terminfoColors < 0 ? "TERM unknown to terminfo" : "\(terminfoColors) colours (terminfo)")")
        if let rows, let columns {
            let px = (pixelWidth != nil && pixelHeight != nil) ? "\(pixelWidth!)×\(pixelHeight!) px" : "pixel size not reported"
            l.append("size          \(columns)×\(rows) cells, \(px) (TIOCGWINSZ)")
        } else {
            l.append("size          unknown (TIOCGWINSZ failed: not a terminal)")
        }
        l.append("DA1           \(da1.map { $0.map(String.init).joined(separator: ";") } ?? "no reply")\(da1Raw.map { $0.isEmpty ? "" : "  raw \($0)" } ?? "")")
        l.append("sixel         \(sixel ? "yes (DA1 attribute 4)" : "no")")
        l.append("XTSMGRAPHICS  \(opt(colorRegisters)) colour registers")
        l.append("graphics      \(graphics)   (i cycles: \(availableGraphics.joined(separator: ", ")))")
        for r in reasons { l.append("  · \(r)") }
        l.append("themes        \(themes.joined(separator: ", "))")
        l.append("colour maps   \(colormaps.joined(separator: ", "))")
        l.append("theme paths   \(themeSearchPaths.joined(separator: ":"))")
        return l.joined(separator: "\n")
    }
}
