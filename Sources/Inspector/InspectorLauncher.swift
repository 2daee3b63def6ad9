import CNcursesw
import Foundation

/// Opens the inspector on a real terminal: probes graphics, loads themes, starts loading the clip in the
/// background and runs the UI loop. What `dropfill inspect` calls.
public enum InspectorLauncher {
    /// The bundled sample, looked up beside the working directory and the executable.
    public static func samplePath() -> String? {
        let rel = "SampleData/grid-bbaf2n.mp4"
        var candidates = [FileManager.default.currentDirectoryPath + "/" + rel]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent(rel).path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether the locale's codeset is UTF-8 (after `setlocale(LC_ALL, "")`).
    public static func localeIsUTF8() -> Bool {
        setlocale(LC_ALL, "")
        return String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
    }

    /// Every theme the loader finds, the one named `initial` first; throws when `initial` cannot be loaded.
    public static func loadThemes(initial: String?, loader: ThemeLoader = ThemeLoader()) throws(InspectorError) -> (themes: [Theme], maps: [ColorMap]) {
        var themes: [Theme] = []
        if let initial { themes.append(try loader.load(initial)) }
        for name in loader.availableThemes() where !themes.contains(where: { $0.name == name }) {
            if let t = try? loader.load(name) { themes.append(t) }
        }
        if initial == nil, let dark = themes.firstIndex(where: { $0.name == "dark" }) { themes.swapAt(0, dark) }
        let maps = loader.availableColormaps().compactMap { try? loader.loadColormap($0) }
        return (themes.isEmpty ? [.builtIn] : themes, maps)
    }

    /// Runs the inspector on `path` until the user quits, opening on `aligner` and `method` (estimator and restorer
    /// names as the session lists them; nil: the first). The terminal is restored on every way out.
    public static func run(path: String, options: EngineAdapters.Options, graphics forced: GraphicsMode?, theme: String?,
                           aligner: String? = nil, method: String? = nil) throws(InspectorError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .loadFailed("no such file: \(path)") }
        let (themes, maps) = try loadThemes(initial: theme)
        let utf8 = localeIsUTF8()
        let env = ProcessInfo.processInfo.environment
        let replies = forced == nil ? GraphicsProbe.ask(timeout: 0.4) : nil
        let detection = GraphicsProbe.detect(replies: replies, environment: env, terminfoColors: Int(dropfill_terminfo_colors(nil)), forced: forced)
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        let exact = colorterm == "truecolor" || colorterm == "24bit" || detection.mode == .truecolor || (replies?.sixel ?? false)
        var state = InspectorState(clipName: URL(fileURLWithPath: path).lastPathComponent, graphics: detection.mode,
                                   availableGraphics: detection.available, themes: themes, colormaps: maps,
                                   glyphs: utf8 ? .unicode : .ascii)
        state.progress = Progress(message: "opening")
        state.preferredAligner = aligner
        state.preferredMethod = method
        let backend = try NcursesBackend(exactColors: exact, colorRegisters: replies?.colorRegisters)
        defer { backend.shutdown() }
        let mailbox = InspectorApp.startLoading { mailbox in
            try EngineAdapters.session(path: path, options: options, mailbox: mailbox)
        }
        let final = InspectorApp.run(ui: InspectorUI(state: state), backend: backend, mailbox: mailbox)
        backend.shutdown()
        if let failure = final.state.failure { throw .loadFailed(failure) }
    }
}
