import Foundation

/// The colours a theme names. Every key has a built-in default, so a theme file may set only some.
public enum ThemeKey: String, CaseIterable, Sendable {
    case background, foreground, muted, accent, border
    case statusForeground = "status_fg"
    case statusBackground = "status_bg"
    case predicted, truth, wrong, cursor, gap, surviving, warning
    case helpForeground = "help_fg"
    case helpBackground = "help_bg"

    /// What the key colours (the theme files' comments say the same).
    public var meaning: String {
        switch self {
        case .background: "screen background"
        case .foreground: "ordinary text"
        case .muted: "secondary text, axes"
        case .accent: "titles, selected items"
        case .border: "panel borders"
        case .statusForeground: "status bar text"
        case .statusBackground: "status bar background"
        case .predicted: "DP path / predicted slot"
        case .truth: "true slot marker"
        case .wrong: "wrongly placed frame"
        case .cursor: "cursor slot"
        case .gap: "dropped slot in the strip"
        case .surviving: "surviving frame in the strip"
        case .warning: "progress and warnings"
        case .helpForeground: "help overlay text"
        case .helpBackground: "help overlay background"
        }
    }
}

/// A colour map for the heatmap: stops spaced evenly over [0, 1], sampled through a 256-entry table.
public struct ColorMap: Sendable, Equatable {
    public var name: String
    public var stops: [RGBColor]
    /// 256 precomputed colours (the hot path looks up, never interpolates).
    public let table: [RGBColor]

    public init(name: String, stops: [RGBColor]) {
        self.name = name
        let s = stops.isEmpty ? [RGBColor(0, 0, 0), RGBColor(255, 255, 255)] : (stops.count == 1 ? stops + stops : stops)
        self.stops = s
        table = (0..<256).map { i in
            let t = Double(i) / 255 * Double(s.count - 1)
            let lo = min(Int(t), s.count - 2)
            return s[lo].mixed(with: s[lo + 1], t - Double(lo))
        }
    }

    /// The colour at `t` in [0, 1] (clamped; NaN gives the first stop).
    @inline(__always)
    public func color(at t: Float) -> RGBColor {
        guard t > 0 else { return table[0] }
        return table[min(255, Int(t * 255 + 0.5))]
    }

    /// Black to white, the map that needs no file.
    public static let grey = ColorMap(name: "grey", stops: [RGBColor(0, 0, 0), RGBColor(255, 255, 255)])
}

/// A UI theme: resolved colours for every `ThemeKey` plus the heatmap colour map.
public struct Theme: Sendable, Equatable {
    public var name: String
    /// Where it was read from (nil for the built-in default).
    public var path: String?
    public var colors: [ThemeKey: RGBColor]
    public var colormap: ColorMap
    /// Keys the file set that the loader did not know (reported by `dropfill doctor`, not fatal).
    public var unknownKeys: [String]

    public subscript(key: ThemeKey) -> RGBColor { colors[key] ?? Theme.defaultColors[key] ?? RGBColor(255, 255, 255) }

    /// A style with `fg` on the theme background.
    public func style(_ fg: ThemeKey, bg: ThemeKey = .background, _ attributes: CellAttributes = []) -> CellStyle {
        CellStyle(fg: .rgb(self[fg]), bg: .rgb(self[bg]), attributes: attributes)
    }

    /// The built-in default every missing key falls back to (a dark theme).
    public static let defaultColors: [ThemeKey: RGBColor] = [
        .background: RGBColor(0x1E, 0x1E, 0x24), .foreground: RGBColor(0xD8, 0xD8, 0xD8), .muted: RGBColor(0x80, 0x80, 0x8A),
        .accent: RGBColor(0x6C, 0xB6, 0xFF), .border: RGBColor(0x4A, 0x4A, 0x55),
        .statusForeground: RGBColor(0x1E, 0x1E, 0x24), .statusBackground: RGBColor(0x9C, 0xC4, 0xE8),
        .predicted: RGBColor(0xFF, 0xFF, 0xFF), .truth: RGBColor(0x3D, 0xDC, 0x84), .wrong: RGBColor(0xFF, 0x4D, 0x4D),
        .cursor: RGBColor(0xFF, 0xD7, 0x00), .gap: RGBColor(0x3A, 0x3A, 0x44), .surviving: RGBColor(0x6C, 0xB6, 0xFF),
        .warning: RGBColor(0xFF, 0xA5, 0x00), .helpForeground: RGBColor(0xE8, 0xE8, 0xE8), .helpBackground: RGBColor(0x2C, 0x2C, 0x3A),
    ]

    /// The built-in default theme (grey heatmap), used when no theme file is found.
    public static let builtIn = Theme(name: "default", path: nil, colors: defaultColors, colormap: .grey, unknownKeys: [])
}

/// The ONE loader for theme and colour-map files: `key = "value"` lines, `#` comments, blank lines.
///
/// A theme names its heatmap map with `colormap = "viridis"`, resolved to `viridis.colormap` beside it;
/// a colour-map file lists `stop0 = "#RRGGBB"`, `stop1 = …` in order.
public struct ThemeLoader: Sendable {
    /// Folders searched for `NAME.theme` and `NAME.colormap`, first match wins.
    public var searchPaths: [String]

    public init(searchPaths: [String] = ThemeLoader.defaultSearchPaths()) {
        self.searchPaths = searchPaths
    }

    /// `$DROPFILL_THEMES`, `./Themes`, then `Themes` beside or above the executable (a source checkout's
    /// `.build/debug/dropfill` finds the repository's folder), then `/usr/local/share/dropfill/themes`.
    public static func defaultSearchPaths() -> [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["DROPFILL_THEMES"], !env.isEmpty { paths.append(env) }
        paths.append(FileManager.default.currentDirectoryPath + "/Themes")
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            paths.append(dir.appendingPathComponent("Themes").path)
            dir = dir.deletingLastPathComponent()
        }
        paths.append("/usr/local/share/dropfill/themes")
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    // MARK: - Parsing

    /// Parses `key = "value"` lines; throws with the line number on anything else.
    public static func parse(_ text: String, source: String = "theme") throws(InspectorError) -> [(key: String, value: String)] {
        var out: [(String, String)] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw .invalidTheme("\(source) line \(number + 1): expected key = \"value\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let rest = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            // "value" then nothing or a # comment.
            guard !key.isEmpty, rest.hasPrefix("\""), let close = rest.dropFirst().firstIndex(of: "\"") else {
                throw .invalidTheme("\(source) line \(number + 1): expected key = \"value\"")
            }
            let value = rest[rest.index(after: rest.startIndex)..<close]
            let tail = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard tail.isEmpty || tail.hasPrefix("#") else {
                throw .invalidTheme("\(source) line \(number + 1): expected key = \"value\"")
            }
            out.append((key, String(value)))
        }
        return out
    }

    /// A theme from its text; `colormapResolver` turns a colour-map name into a map.
    public static func theme(named name: String, text: String, path: String? = nil,
                             colormapResolver: (String) throws(InspectorError) -> ColorMap) throws(InspectorError) -> Theme {
        var theme = Theme.builtIn
        theme.name = name
        theme.path = path
        for (key, value) in try parse(text, source: path ?? name) {
            if key == "colormap" {
                theme.colormap = try colormapResolver(value)
            } else if let k = ThemeKey(rawValue: key) {
                guard let c = RGBColor(hex: value) else { throw .invalidTheme("\(path ?? name): \(key) = \"\(value)\" is not #RRGGBB") }
                theme.colors[k] = c
            } else {
                theme.unknownKeys.append(key)
            }
        }
        return theme
    }

    /// A colour map from its text (`stopN = "#RRGGBB"` in order).
    public static func colormap(named name: String, text: String) throws(InspectorError) -> ColorMap {
        var stops: [(Int, RGBColor)] = []
        for (key, value) in try parse(text, source: name) {
            guard key.hasPrefix("stop"), let i = Int(key.dropFirst(4)), let c = RGBColor(hex: value) else {
                throw .invalidTheme("colour map \(name): \(key) = \"\(value)\" is not stopN = \"#RRGGBB\"")
            }
            stops.append((i, c))
        }
        guard stops.count >= 2 else { throw .invalidTheme("colour map \(name) needs at least two stops") }
        return ColorMap(name: name, stops: stops.sorted { $0.0 < $1.0 }.map(\.1))
    }

    // MARK: - Files

    /// Loads a theme by name (searched) or by path (anything with a `/` or ending in `.theme`).
    public func load(_ nameOrPath: String) throws(InspectorError) -> Theme {
        if nameOrPath == "default" { return .builtIn }
        let path: String
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
            path = nameOrPath
        } else if let found = find(nameOrPath + ".theme") {
            path = found
        } else {
            throw .invalidTheme("no theme \"\(nameOrPath)\" in \(searchPaths.joined(separator: ", ")) (try one of: \(availableThemes().joined(separator: ", ")))")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .invalidTheme("cannot read \(path)") }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try ThemeLoader.theme(named: name, text: text, path: path) { (map: String) throws(InspectorError) -> ColorMap in
            try self.loadColormap(map, preferring: dir)
        }
    }

    /// Loads a colour map by name (`grey` is built in), looking first in `dir`.
    public func loadColormap(_ name: String, preferring dir: String? = nil) throws(InspectorError) -> ColorMap {
        let file = name + ".colormap"
        let candidates = (dir.map { [$0 + "/" + file] } ?? []) + searchPaths.map { $0 + "/" + file }
        if let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .invalidTheme("cannot read \(path)") }
            return try ThemeLoader.colormap(named: name, text: text)
        }
        if name == "grey" || name == "gray" { return .grey }
        throw .invalidTheme("no colour map \"\(name)\"")
    }

    /// Theme names found in the search paths, sorted, with "default" first.
    public func availableThemes() -> [String] { ["default"] + names(withExtension: "theme") }

    /// Colour-map names found in the search paths, sorted (always including "grey").
    public func availableColormaps() -> [String] { Array(Set(names(withExtension: "colormap") + ["grey"])).sorted() }

    private func names(withExtension ext: String) -> [String] {
        var names = Set<String>()
        for dir in searchPaths {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix("." + ext) {
                names.insert(String(f.dropLast(ext.count + 1)))
            }
        }
        return names.sorted()
    }

    private func find(_ file: String) -> String? {
        searchPaths.map { $0 + "/" + file }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
