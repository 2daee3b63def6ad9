import Alignment
/// Steps through the retrieval of Eq. 10 one surviving frame (row) at a time, as in the paper's Fig. 7:
/// the rows filled so far (DP values), the row being filled, the running prefix minimum of the row above,
/// the chosen predecessor at the cursor, and after the last row the backtracked path.
public enum DPStepView {
    public static func draw(into buf: inout ScreenBuffer, rect: CellRect, state: inout InspectorState) {
        let theme = state.theme
        buf.fill(rect, " ", theme.style(.foreground))
        guard let session = state.session, let alignment = state.alignment else { return }
        guard let trace = alignment.trace, let d = session.distance else {
            var w = PanelWriter(rect.insetBy(dx: 2, dy: 1))
            w.wrapped(&buf, "Aligner \(alignment.name) does not run the DP of Eq. 10: press a to pick one that does.", theme.style(.muted))
            return
        }
        let panelWidth = AlignmentView.panelWidth + 4
        let tableHeight = 5
        let mapRect = CellRect(x: rect.x + 6, y: rect.y + 1, width: rect.width - panelWidth - 8, height: rect.height - 2 - tableHeight)
        let step = max(0, min(state.dpStep, trace.rows))
        let current = step - 1
        if current >= 0 { state.row = current }
        let g = HeatmapGeometry.make(state: &state, k: trace.rows, n: trace.columns, rect: mapRect)
        // Rows filled show DP(i, ·) normalised per row (only the visible rows are scanned); the rest show D dimmed.
        var rowRange = [(Float, Float)](repeating: (0, 1), count: trace.rows)
        for i in g.firstRow..<min(step, g.firstRow + g.visibleRows) {
            var lo = Float.infinity, hi = -Float.infinity
            trace.cost.withUnsafeBufferPointer { c in
                for v in c[(i * trace.columns)..<((i + 1) * trace.columns)] where v.isFinite {
                    lo = min(lo, v)
                    hi = max(hi, v)
                }
            }
            rowRange[i] = lo <= hi ? (lo, max(hi - lo, .leastNormalMagnitude)) : (0, 1)
        }
        let dSource = HeatmapView.distanceSource(d, range: session.distanceRange)
        let cols = trace.columns
        let source: HeatmapView.ValueSource = { i, range in
            if i < step {
                var m = Float.infinity
                trace.cost.withUnsafeBufferPointer { c in
                    for j in range where c[i * cols + j] < m { m = c[i * cols + j] }
                }
                return (m.isFinite ? (m - rowRange[i].0) / rowRange[i].1 : nil, false)
            }
            return (dSource(i, range).t, true)
        }
        let finished = step >= trace.rows
        HeatmapView.draw(into: &buf, geometry: g, state: state, values: source, path: finished ? trace.positions : nil,
                         truth: finished ? session.truePositions : nil, highlightRow: current >= 0 ? current : nil)
        let j = state.slot
        // The prefix the minimum runs over (row above, columns 0 ..< j) and the chosen predecessor.
        if current > 0, let y = g.y(ofRow: current - 1) {
            let mid = y + (g.rowHeight - 1) / 2
            for c in 0..<g.rect.width {
                let cols = g.columns(atCell: c)
                guard let lo = cols.first, lo < j else { continue }
                var cell = buf[g.rect.x + c, mid]
                if cell.char == " " { cell.char = state.glyphs.light }
                cell.style.fg = .rgb(theme[.cursor])
                buf.set(g.rect.x + c, mid, cell)
            }
            let pred = Int(trace.predecessor[current * trace.columns + j])
            if pred >= 0, let x = g.x(ofColumn: pred) {
                buf.set(x, mid, Cell(state.glyphs.predecessor, CellStyle(fg: .rgb(theme[.cursor]), bg: buf[x, mid].style.bg, attributes: [.bold])))
            }
        }
        if state.exactColors { buf.images.append(ImagePlacement(rect: mapRect, kind: .exactCells, key: "dp")) }
        drawTable(into: &buf, rect: CellRect(x: rect.x + 1, y: mapRect.maxY + 1, width: mapRect.maxX - rect.x - 1, height: tableHeight),
                  state: state, trace: trace, d: d, row: current)
        drawPanel(into: &buf, rect: CellRect(x: rect.maxX - panelWidth, y: rect.y, width: panelWidth, height: rect.height),
                  state: state, session: session, trace: trace, d: d, step: step)
    }

    /// The numbers around the cursor: j, DP(i−1, j), running min DP(i−1, 0:j), D(i, j), DP(i, j).
    static func drawTable(into buf: inout ScreenBuffer, rect: CellRect, state: InspectorState, trace: DPTrace, d: DistanceMatrix, row i: Int) {
        let theme = state.theme
        let labels = ["j", "DP(i-1,j)", "min DP(i-1,0:j)", "D(i,j)", "DP(i,j)"]
        let labelWidth = 16, colWidth = 8
        let count = max(1, (rect.width - labelWidth) / colWidth)
        let first = max(0, min(trace.columns - count, state.slot - count / 2))
        for (r, label) in labels.enumerated() where r < rect.height {
            buf.write(label, x: rect.x, y: rect.y + r, theme.style(.muted), maxWidth: labelWidth - 1)
        }
        guard i >= 0 else {
            buf.write("press n to fill row 0", x: rect.x + labelWidth, y: rect.y, theme.style(.muted))
            return
        }
        for c in 0..<count {
            let j = first + c
            guard j < trace.columns else { break }
            let x = rect.x + labelWidth + c * colWidth
            let style = j == state.slot ? theme.style(.cursor, [.bold]) : theme.style(.foreground)
            func cell(_ v: Float?) -> String { v.map { $0.isFinite ? Fmt.num(Double($0), 2) : "∞" } ?? "—" }
            let prev: Float? = i > 0 ? trace.dp(i - 1, j) : nil
            let prefix: Float? = i > 0 ? (trace.prefixMinimum(row: i, column: j)?.value ?? .infinity) : nil
            let values = [String(j), cell(prev), cell(prefix), cell(d[i, j]), cell(trace.dp(i, j))]
            for (r, v) in values.enumerated() where r < rect.height {
                buf.write(String(repeating: " ", count: max(0, colWidth - 1 - v.count)) + v, x: x, y: rect.y + r, style, maxWidth: colWidth - 1)
            }
        }
    }

    static func drawPanel(into buf: inout ScreenBuffer, rect: CellRect, state: InspectorState, session: InspectorSession,
                          trace: DPTrace, d: DistanceMatrix, step: Int) {
        let theme = state.theme
        let text = theme.style(.foreground), muted = theme.style(.muted), title = theme.style(.accent, [.bold])
        var w = PanelWriter(CellRect(x: rect.x + 2, y: rect.y, width: rect.width - 2, height: rect.height))
        w.line(&buf, "DP retrieval (Eq. 10, Fig. 7)", title)
        w.line(&buf, "DP(i,j)=D(i,j)+min DP(i-1,0:j)", muted)
        w.skip()
        w.line(&buf, "rows filled  \(step) of \(trace.rows)", text)
        let i = step - 1, j = state.slot
        if i < 0 {
            w.line(&buf, "n fills row 0: DP(0,j) = D(0,j)", muted)
        } else {
            w.line(&buf, "row \(i) (surviving frame \(i))", theme.style(.cursor, [.bold]))
            w.line(&buf, "at slot j = \(j):", text)
            w.line(&buf, "  D(\(i),\(j))      = \(Fmt.num(Double(d[i, j]), 3))", text)
            if i > 0 {
                if let pm = trace.prefixMinimum(row: i, column: j) {
                    w.line(&buf, "  min DP(\(i - 1),0:\(j)) = \(Fmt.num(Double(pm.value), 3))", text)
                    w.line(&buf, "  predecessor j' = \(pm.at)", theme.style(.cursor))
                } else {
                    w.line(&buf, "  min DP(\(i - 1),0:\(j)) = ∞ (no room)", muted)
                }
            }
            let c = trace.dp(i, j)
            w.line(&buf, "  DP(\(i),\(j))     = \(c.isFinite ? Fmt.num(Double(c), 3) : "∞")", text)
            var best = Float.infinity, at = -1
            for jj in 0..<trace.columns where trace.dp(i, jj) < best {
                best = trace.dp(i, jj)
                at = jj
            }
            if at >= 0 { w.line(&buf, "row min      \(Fmt.num(Double(best), 3)) at j=\(at)", text) }
        }
        w.skip()
        if step >= trace.rows {
            w.line(&buf, "Backtracked path s' (from the", title)
            w.line(&buf, "last row's minimum):", title)
            w.wrapped(&buf, trace.positions.map(String.init).joined(separator: " "), text)
            if let t = session.truePositions {
                w.line(&buf, "truth:", muted)
                w.wrapped(&buf, t.map(String.init).joined(separator: " "), muted)
            }
        } else {
            w.line(&buf, "n next row  b back  e finish", muted)
            w.line(&buf, "←/→ move j along the row", muted)
        }
    }
}
