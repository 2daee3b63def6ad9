/// The bottom row: clip, slot i/n, method, aligner, graphics mode, theme, and progress of long work.
public enum StatusBar {
    public static func draw(into buf: inout ScreenBuffer, y: Int, state: InspectorState) {
        let theme = state.theme
        let style = theme.style(.statusForeground, bg: .statusBackground)
        buf.fill(CellRect(x: 0, y: y, width: buf.width, height: 1), " ", style)
        let sep = state.glyphs.separator
        var parts = [" " + state.clipName]
        if let s = state.session {
            // 0-based, as the panels, the heatmap axis and the strip count slots.
            parts.append("slot \(state.slot) of 0–\(s.n - 1)")
            parts.append("method \(state.method ?? "—")")
            parts.append("aligner \(state.alignment?.name ?? "—")")
        }
        // A notice (what `s` saved, a missing --aligner) comes before the display settings, so it stays visible.
        if let notice = state.notice { parts.append(notice) }
        parts.append(state.graphics.label)
        parts.append("theme \(theme.name)")
        if state.playing { parts.append("▶ playing") }
        var text = parts.joined(separator: sep)
        if let p = state.progress {
            let pct = p.fraction.map { " \(Int(($0 * 100).rounded()))%" } ?? ""
            text += sep + p.message + pct
        }
        let right = "? help "
        buf.write(text, x: 0, y: y, style, maxWidth: buf.width - right.count - 1)
        if state.progress != nil, let r = text.range(of: state.progress?.message ?? "\u{0}") {
            let x = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: r.lowerBound.samePosition(in: text.unicodeScalars) ?? text.unicodeScalars.startIndex)
            if x < buf.width - right.count - 1 {
                buf.write(String(text.unicodeScalars.dropFirst(x)), x: x, y: y, theme.style(.warning, bg: .statusBackground, [.bold]),
                          maxWidth: buf.width - right.count - 1 - x)
            }
        }
        buf.write(right, x: buf.width - right.count, y: y, style)
    }
}

/// The `?` overlay: the key list generated from `Keymap.bindings`, in a box over the middle of the screen.
public enum HelpOverlay {
    public static func draw(into buf: inout ScreenBuffer, state: InspectorState) {
        let theme = state.theme
        let lines = Keymap.helpLines()
        let width = min(buf.width - 2, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(buf.height - 1, lines.count + 3)
        let rect = CellRect(x: (buf.width - width) / 2, y: max(0, (buf.height - 1 - height) / 2), width: width, height: height)
        buf.removeImages(overlapping: rect)
        let style = theme.style(.helpForeground, bg: .helpBackground)
        buf.fill(rect, " ", style)
        let g = state.glyphs
        for x in rect.x..<rect.maxX {
            buf.set(x, rect.y, Cell(g.horizontal, style))
            buf.set(x, rect.maxY - 1, Cell(g.horizontal, style))
        }
        for y in rect.y..<rect.maxY {
            buf.set(rect.x, y, Cell(g.vertical, style))
            buf.set(rect.maxX - 1, y, Cell(g.vertical, style))
        }
        buf.write(" Keys — Esc or ? closes ", x: rect.x + 2, y: rect.y, theme.style(.accent, bg: .helpBackground, [.bold]))
        let groupStyle = theme.style(.accent, bg: .helpBackground, [.bold])
        for (r, line) in lines.enumerated() where r < rect.height - 3 {
            let y = rect.y + 2 + r
            buf.write(line, x: rect.x + 2, y: y, style, maxWidth: rect.width - 4)
            buf.write(String(line.prefix(Keymap.helpGroupWidth)), x: rect.x + 2, y: y, groupStyle, maxWidth: rect.width - 4)
        }
        if lines.count > rect.height - 3 {
            buf.write(g.ellipsis + " (enlarge the terminal for the rest)", x: rect.x + 2, y: rect.maxY - 1, style, maxWidth: rect.width - 4)
        }
    }
}
