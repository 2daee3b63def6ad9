/// A timeline of the n slots: where the aligner put each surviving frame, where it truly belongs, the gaps
/// between, wrong placements, the cursor, and under it the audio's loudness per slot.
public enum PositionsStrip {
    /// Rows the strip takes.
    public static let height = 4
    /// Eighth blocks, quiet to loud (the audio lane); ASCII terminals get a shading ramp instead.
    static let bars: [Unicode.Scalar] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiBars: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%"]
    static let labelWidth = 6

    /// Slots per cell and the number of cells used for `n` slots in `width` cells.
    static func scale(n: Int, width: Int) -> (slotsPerCell: Int, cells: Int) {
        let per = max(1, (n + width - 1) / max(1, width))
        return (per, (n + per - 1) / per)
    }

    /// The slot under screen column `x` for a strip drawn in `rect`.
    public static func slot(atX x: Int, rect: CellRect, n: Int) -> Int? {
        let inner = rect.width - labelWidth
        let (per, cells) = scale(n: n, width: inner)
        let c = x - rect.x - labelWidth
        guard c >= 0, c < cells else { return nil }
        return min(n - 1, c * per)
    }

    public static func draw(into buf: inout ScreenBuffer, rect: CellRect, state: InspectorState) {
        let theme = state.theme, g = state.glyphs
        buf.fill(rect, " ", theme.style(.foreground))
        guard let session = state.session, let alignment = state.alignment, rect.height >= 2 else { return }
        let n = session.n
        let (per, cells) = scale(n: n, width: rect.width - labelWidth)
        var predicted = [Int](repeating: -1, count: n), truthAt = [Int](repeating: -1, count: n)
        for (i, s) in alignment.predicted.enumerated() { predicted[s] = i }
        if let t = session.truePositions { for (i, s) in t.enumerated() { truthAt[s] = i } }
        let truth = session.truePositions
        buf.write("pred", x: rect.x, y: rect.y, theme.style(.muted))
        buf.write(truth == nil ? "true  unknown (no ground truth)" : "true", x: rect.x, y: rect.y + 1, theme.style(.muted))
        let x0 = rect.x + labelWidth
        for c in 0..<cells {
            let slots = c * per..<min(n, (c + 1) * per)
            var pCell = Cell(g.light, theme.style(.gap))
            for s in slots where predicted[s] >= 0 {
                let i = predicted[s]
                let wrong = truth.map { $0[i] != s } ?? false
                pCell = Cell(g.block, theme.style(wrong ? .wrong : .surviving))
                if wrong { break }
            }
            buf.set(x0 + c, rect.y, pCell)
            if truth != nil {
                var tCell = Cell(g.light, theme.style(.gap))
                for s in slots where truthAt[s] >= 0 { tCell = Cell(g.block, theme.style(.truth)) }
                buf.set(x0 + c, rect.y + 1, tCell)
            }
        }
        if rect.height >= 3 {
            let y = rect.y + 2
            buf.write("slot", x: rect.x, y: y, theme.style(.muted))
            let cursorCell = state.slot / per
            buf.write("0", x: x0, y: y, theme.style(.muted))
            let last = String(n - 1)
            buf.write(last, x: x0 + cells - last.count, y: y, theme.style(.muted))
            let label = "\(g.cursorUp) \(state.slot)"
            let lx = min(max(x0, x0 + cursorCell), x0 + cells - 1)
            let shift = lx + label.count > x0 + cells ? label.count - 1 : 0
            if shift > 0 {
                buf.write("\(state.slot) \(g.cursorUp)", x: lx - shift, y: y, theme.style(.cursor, [.bold]))
            } else {
                buf.write(label, x: lx, y: y, theme.style(.cursor, [.bold]))
            }
        }
        if rect.height >= 4 {
            let y = rect.y + 3
            buf.write("audio", x: rect.x, y: y, theme.style(.muted))
            if let energy = session.audioEnergy, energy.count == n {
                let ramp = g == .ascii ? asciiBars : bars
                for c in 0..<cells {
                    let slots = c * per..<min(n, (c + 1) * per)
                    let e = slots.map { energy[$0] }.max() ?? 0
                    let level = min(ramp.count - 1, Int((e * Float(ramp.count - 1)).rounded()))
                    let cursor = slots.contains(state.slot)
                    buf.set(x0 + c, y, Cell(ramp[level], theme.style(cursor ? .cursor : .accent)))
                }
            } else {
                buf.write("(no audio energy for this clip)", x: x0, y: y, theme.style(.muted))
            }
        }
        buf.addHitRegion("strip", CellRect(x: x0, y: rect.y, width: cells, height: rect.height))
    }
}
