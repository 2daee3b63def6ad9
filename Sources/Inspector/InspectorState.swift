/// The views the inspector has.
public enum InspectorView: String, CaseIterable, Sendable {
    case alignment, step, frames

    public var title: String {
        switch self {
        case .alignment: "Alignment"
        case .step: "DP steps"
        case .frames: "Frames"
        }
    }
}

/// Long work in progress, shown in the status bar.
public struct Progress: Sendable, Equatable {
    public var message: String
    /// 0…1, or nil when unknown.
    public var fraction: Double?

    public init(message: String, fraction: Double? = nil) {
        self.message = message
        self.fraction = fraction
    }
}

/// Everything the UI shows and the keys change. A value: views read it, `InspectorUI.handle` updates it.
public struct InspectorState: Sendable {
    /// The clip, once loaded.
    public var session: InspectorSession?
    /// Clip name shown while loading.
    public var clipName: String
    public var view: InspectorView = .alignment
    /// The cursor's slot, 0 ..< n.
    public var slot = 0
    /// The highlighted surviving frame (heatmap row), 0 ..< k.
    public var row = 0
    /// Cells per matrix column: 1/16 … 4 (fractions aggregate columns by their minimum).
    public var zoom: Double = 1
    /// True until the user zooms: the heatmap fits itself to the width.
    public var zoomToFit = true
    /// First matrix column shown.
    public var firstColumn = 0
    /// DP rows filled in the step view (0 … k; k shows the backtracked path).
    public var dpStep = 1
    public var methodIndex = 0
    public var alignerIndex = 0
    public var showDifference = false
    public var playing = false
    public var showHelp = false
    public var graphics: GraphicsMode
    /// Modes `i` cycles through (sixel only when the terminal can draw it).
    public var availableGraphics: [GraphicsMode]
    public var themes: [Theme]
    public var themeIndex = 0
    public var colormaps: [ColorMap]
    /// Index into `colormaps`; nil uses the theme's own map.
    public var colormapIndex: Int?
    public var progress: Progress?
    /// A one-line error from loading, shown instead of the views.
    public var failure: String?
    /// Unicode or ASCII glyphs (from the locale).
    public var glyphs: Glyphs
    /// Pixel size of one cell (for scaling sixel images).
    public var cellPixels: (width: Int, height: Int) = (10, 20)
    /// Whether the backend can emit exact 24-bit colours.
    public var exactColors = true
    /// A one-line message for the status bar (what `s` saved, say); cleared by the next key.
    public var notice: String?
    /// Folder `s` writes its PNGs to.
    public var saveDirectory = "."
    /// Aligner and method to select when the session arrives (`--aligner`, `--method`); nil keeps the first.
    public var preferredAligner: String?
    public var preferredMethod: String?

    public init(clipName: String, graphics: GraphicsMode, availableGraphics: [GraphicsMode], themes: [Theme],
                colormaps: [ColorMap] = [], glyphs: Glyphs = .unicode) {
        self.clipName = clipName
        self.graphics = graphics
        self.availableGraphics = availableGraphics.isEmpty ? [graphics] : availableGraphics
        self.themes = themes.isEmpty ? [.builtIn] : themes
        self.colormaps = colormaps
        self.glyphs = glyphs
    }

    // MARK: - Derived

    public var theme: Theme {
        var t = themes[themeIndex % themes.count]
        if let c = colormapIndex, c < colormaps.count { t.colormap = colormaps[c] }
        return t
    }

    /// The selected aligner's result.
    public var alignment: AlignmentResult? {
        guard let s = session else { return nil }
        return s.alignments[alignerIndex % s.alignments.count]
    }

    /// The selected restoration method's name.
    public var method: String? {
        guard let s = session, !s.methods.isEmpty else { return nil }
        return s.methods[methodIndex % s.methods.count]
    }

    /// Selects `preferredAligner` and `preferredMethod` in a newly loaded session; a name the session lacks leaves
    /// the first entry selected and says so in `notice`.
    public mutating func applyPreferences() {
        guard let s = session else { return }
        var missing: [String] = []
        if let a = preferredAligner {
            if let i = s.alignments.firstIndex(where: { $0.name == a }) { alignerIndex = i } else { missing.append("aligner \(a)") }
        }
        if let m = preferredMethod {
            if let i = s.methods.firstIndex(of: m) { methodIndex = i } else { missing.append("method \(m)") }
        }
        if !missing.isEmpty {
            notice = "\(missing.joined(separator: " and ")) not available for this clip: showing \(alignment?.name ?? "—") and \(method ?? "—")"
        }
    }

    /// Ali_b, exact share and wrong count of the selected aligner, when the truth is known.
    public var score: AlignmentScore? {
        guard let a = alignment, let t = session?.truePositions else { return nil }
        return AlignmentScore(predicted: a.predicted, truth: t)
    }
}
