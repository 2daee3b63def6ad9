import Alignment
/// Where the heatmap's matrix cells lie on screen, and which matrix entries each cell covers.
///
/// Zoomed in, a matrix column spans `cellsPerColumn` cells; zoomed out, a cell covers `columnsPerCell`
/// columns (shown by their minimum, so the DP path's cheap cells stay visible).
public struct HeatmapGeometry: Sendable, Equatable {
    public var rect: CellRect
    public var k: Int
    public var n: Int
    public var firstColumn: Int
    public var cellsPerColumn: Int
    public var columnsPerCell: Int
    public var firstRow: Int
    public var rowHeight: Int

    /// Matrix columns visible.
    public var visibleColumns: Int { min(n - firstColumn, cellsPerColumn > 1 ? rect.width / cellsPerColumn : rect.width * columnsPerCell) }
    /// Matrix rows visible.
    public var visibleRows: Int { min(k - firstRow, rect.height / max(1, rowHeight)) }

    /// Columns covered by cell `c` (0-based from the left edge).
    @inline(__always)
    public func columns(atCell c: Int) -> Range<Int> {
        if cellsPerColumn > 1 {
            let j = firstColumn + c / cellsPerColumn
            return j < n ? j..<j + 1 : n..<n
        }
        let lo = firstColumn + c * columnsPerCell
        return min(lo, n)..<min(lo + columnsPerCell, n)
    }

    /// The screen x of column `j`'s first cell, or nil when it is off screen.
    public func x(ofColumn j: Int) -> Int? {
        guard j >= firstColumn else { return nil }
        let c = cellsPerColumn > 1 ? (j - firstColumn) * cellsPerColumn : (j - firstColumn) / columnsPerCell
        return c < rect.width ? rect.x + c : nil
    }

    /// The screen y of row `i`'s first line, or nil when it is off screen.
    public func y(ofRow i: Int) -> Int? {
        guard i >= firstRow else { return nil }
        let y = (i - firstRow) * rowHeight
        return y + rowHeight <= rect.height ? rect.y + y : nil
    }

    /// The matrix entry under a screen cell.
    public func entry(x: Int, y: Int) -> (row: Int, column: Int)? {
        guard rect.contains(x: x, y: y) else { return nil }
        let cols = columns(atCell: x - rect.x)
        let i = firstRow + (y - rect.y) / max(1, rowHeight)
        guard !cols.isEmpty, i < k else { return nil }
        return (i, cols.lowerBound)
    }

    /// Zoom levels the `+`/`-` keys step through (cells per column).
    public static let zoomLevels: [Double] = [1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1, 2, 3, 4]

    /// The zoom that fits `n` columns into `width` cells (at most 4 cells a column).
    public static func fitZoom(n: Int, width: Int) -> Double {
        guard n > 0, width > 0 else { return 1 }
        if n <= width { return Double(min(4, width / n)) }
        return 1 / Double((n + width - 1) / width)
    }

    /// The geometry for `state` in `rect`, with the first column and row moved so the cursor stays visible.
    public static func make(state: inout InspectorState, k: Int, n: Int, rect: CellRect) -> HeatmapGeometry {
        let zoom = state.zoomToFit ? fitZoom(n: n, width: rect.width) : state.zoom
        if state.zoomToFit { state.zoom = zoom }
        let cellsPerColumn = zoom >= 1 ? Int(zoom) : 1
        let columnsPerCell = zoom >= 1 ? 1 : Int((1 / zoom).rounded())
        let rowHeight = max(1, min(3, rect.height / max(1, k)))
        var g = HeatmapGeometry(rect: rect, k: k, n: n, firstColumn: 0, cellsPerColumn: cellsPerColumn,
                                columnsPerCell: columnsPerCell, firstRow: 0, rowHeight: rowHeight)
        let span = cellsPerColumn > 1 ? max(1, rect.width / cellsPerColumn) : max(1, rect.width * columnsPerCell)
        var first = min(state.firstColumn, max(0, n - span))
        if state.slot < first { first = max(0, state.slot - span / 4) }
        if state.slot >= first + span { first = min(max(0, n - span), state.slot - span * 3 / 4) }
        if columnsPerCell > 1 { first = first / columnsPerCell * columnsPerCell }
        g.firstColumn = max(0, first)
        state.firstColumn = g.firstColumn
        let rowsShown = max(1, rect.height / rowHeight)
        var firstRow = 0
        if state.row >= rowsShown { firstRow = min(k - rowsShown, state.row - rowsShown / 2) }
        g.firstRow = max(0, firstRow)
        return g
    }
}

/// Draws a k × n matrix as coloured cells with the DP path, the true positions and the cursor.
public enum HeatmapView {
    /// What a cell shows: normalised value in [0, 1] (nil = no value) and whether it is dimmed.
    public typealias ValueSource = (_ row: Int, _ columns: Range<Int>) -> (t: Float?, dim: Bool)

    /// Normalised minimum of D over `columns` of row `i`.
    public static func distanceSource(_ d: DistanceMatrix, range: ClosedRange<Float>) -> ValueSource {
        let lo = range.lowerBound, span = max(range.upperBound - range.lowerBound, .leastNormalMagnitude)
        return { i, cols in
            var m = Float.infinity
            d.values.withUnsafeBufferPointer { v in
                let base = i * d.columns
                for j in cols where v[base + j] < m { m = v[base + j] }
            }
            return (m.isFinite ? (m - lo) / span : nil, false)
        }
    }

    /// Draws the matrix, axes and markers. `path` is the predicted slot per row (nil hides it).
    public static func draw(into buf: inout ScreenBuffer, geometry g: HeatmapGeometry, state: InspectorState, values: ValueSource,
                            path: [Int]?, truth: [Int]?, highlightRow: Int?) {
        let theme = state.theme, glyphs = state.glyphs
        let bg = theme[.background]
        let cmap = theme.colormap
        let gapStyle = CellStyle(fg: .rgb(theme[.muted]), bg: .rgb(bg))
        for r in 0..<g.visibleRows {
            let i = g.firstRow + r
            guard let y0 = g.y(ofRow: i) else { continue }
            let p = path.map { $0[i] }, t = truth.map { $0[i] }
            for c in 0..<g.rect.width {
                let cols = g.columns(atCell: c)
                let x = g.rect.x + c
                if cols.isEmpty {
                    for dy in 0..<g.rowHeight { buf.set(x, y0 + dy, Cell(" ", gapStyle)) }
                    continue
                }
                let (tv, dim) = values(i, cols)
                var colour = tv.map { cmap.color(at: $0) } ?? bg
                if dim { colour = colour.mixed(with: bg, 0.7) }
                var cell = Cell(" ", CellStyle(fg: .rgb(theme[.foreground]), bg: .rgb(colour)))
                let onPath = p.map { cols.contains($0) } ?? false
                let onTruth = t.map { cols.contains($0) } ?? false
                let firstCell = g.cellsPerColumn <= 1 || (c % g.cellsPerColumn) == (g.cellsPerColumn - 1) / 2
                if firstCell {
                    if onPath, let p, let t, p != t {
                        cell.char = glyphs.wrong
                        cell.style.fg = .rgb(theme[.wrong])
                        cell.style.attributes = [.bold]
                    } else if onPath {
                        cell.char = glyphs.predicted
                        cell.style.fg = .rgb(theme[.predicted])
                        cell.style.attributes = [.bold]
                    } else if onTruth {
                        cell.char = glyphs.truth
                        cell.style.fg = .rgb(theme[.truth])
                        cell.style.attributes = [.bold]
                    } else if i == state.row && cols.contains(state.slot) {
                        cell.char = "+"
                        cell.style.fg = .rgb(theme[.cursor])
                    }
                }
                let mid = (g.rowHeight - 1) / 2
                for dy in 0..<g.rowHeight {
                    var cc = cell
                    if dy != mid { cc.char = " " }
                    buf.set(x, y0 + dy, cc)
                }
            }
        }
        buf.addHitRegion("heatmap", g.rect)
        drawAxes(into: &buf, geometry: g, state: state, highlightRow: highlightRow)
    }

    /// Column ticks above, row numbers to the left, the cursor column marked.
    static func drawAxes(into buf: inout ScreenBuffer, geometry g: HeatmapGeometry, state: InspectorState, highlightRow: Int?) {
        let theme = state.theme
        let axis = theme.style(.muted)
        let yAxis = g.rect.y - 1
        if yAxis >= 0 {
            buf.fill(CellRect(x: g.rect.x, y: yAxis, width: g.rect.width, height: 1), " ", axis)
            let cols = g.visibleColumns
            let step = tickStep(columns: cols, width: g.rect.width)
            var j = (g.firstColumn + step - 1) / step * step
            var lastEnd = g.rect.x - 1
            let cursorX = g.x(ofColumn: state.slot) ?? -10
            while j < g.firstColumn + cols {
                if let x = g.x(ofColumn: j), x > lastEnd {
                    let label = String(j)
                    let clear = cursorX < x - 1 || cursorX > x + label.count
                    if clear, x + label.count <= g.rect.maxX { lastEnd = x + buf.write(label, x: x, y: yAxis, axis) }
                }
                j += step
            }
            if let x = g.x(ofColumn: state.slot) {
                buf.set(x, yAxis, Cell(state.glyphs.cursorDown, theme.style(.cursor, [.bold])))
            }
        }
        let labelX = g.rect.x - 5
        for r in 0..<g.visibleRows {
            let i = g.firstRow + r
            guard let y = g.y(ofRow: i), labelX >= 0 else { continue }
            let label = String(i)
            let style = i == highlightRow ? theme.style(.cursor, [.bold]) : (i == state.row ? theme.style(.accent, [.bold]) : axis)
            let mid = y + (g.rowHeight - 1) / 2
            buf.write(String(repeating: " ", count: 4 - min(4, label.count)) + label, x: labelX, y: mid, style, maxWidth: 4)
            if i == highlightRow { buf.set(g.rect.x - 1, mid, Cell(state.glyphs.rowMarker, theme.style(.cursor, [.bold]))) }
        }
    }

    /// A tick every 1, 2, 5, 10, 20, 50, … columns, so labels do not crowd.
    static func tickStep(columns: Int, width: Int) -> Int {
        let wanted = max(1, columns * 6 / max(1, width))
        var base = 1
        while true {
            for m in [1, 2, 5] where base * m >= wanted { return base * m }
            base *= 10
        }
    }

    /// A horizontal colour bar of the map, `width` cells, drawn the way the heatmap is (exact 24-bit cells when
    /// `exact`, else the backend's approximation of both), so the legend shows the colours the matrix shows.
    static func colorBar(into buf: inout ScreenBuffer, x: Int, y: Int, width: Int, map: ColorMap, exact: Bool) {
        guard width > 0 else { return }
        for c in 0..<width {
            let t = width > 1 ? Float(c) / Float(width - 1) : 0
            buf.set(x + c, y, Cell(" ", CellStyle(bg: .rgb(map.color(at: t)))))
        }
        if exact { buf.images.append(ImagePlacement(rect: CellRect(x: x, y: y, width: width, height: 1), kind: .exactCells, key: "colorbar:\(map.name)")) }
    }
}
