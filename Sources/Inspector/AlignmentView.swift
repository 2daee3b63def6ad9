import Alignment
import Foundation

/// Writes lines of text top to bottom inside a rectangle, cutting what does not fit.
struct PanelWriter {
    var rect: CellRect
    var y: Int

    init(_ rect: CellRect) {
        self.rect = rect
        y = rect.y
    }

    var remaining: Int { rect.maxY - y }

    mutating func line(_ buf: inout ScreenBuffer, _ text: String, _ style: CellStyle) {
        guard y < rect.maxY else { return }
        buf.write(text, x: rect.x, y: y, style, maxWidth: rect.width)
        y += 1
    }

    /// Word-wrapped text.
    mutating func wrapped(_ buf: inout ScreenBuffer, _ text: String, _ style: CellStyle, indent: String = "") {
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > rect.width {
                line(&buf, current, style)
                current = indent
            }
            current += (current.isEmpty || current == indent ? "" : " ") + word
        }
        if !current.isEmpty { line(&buf, current, style) }
    }

    mutating func skip() { y += 1 }
}

/// Number formatting shared by the panels.
enum Fmt {
    static func num(_ v: Double, _ digits: Int = 3) -> String {
        guard v.isFinite else { return v > 0 ? "∞" : "—" }
        return String(format: "%.\(digits)f", v)
    }
}

/// The alignment view: D as a heatmap with the DP path, the true positions and wrong placements, plus a
/// legend and the numbers (Ali_b, exact share, path cost).
public enum AlignmentView {
    /// Width of the legend panel on the right.
    public static let panelWidth = 30

    public static func draw(into buf: inout ScreenBuffer, rect: CellRect, state: inout InspectorState) {
        let theme = state.theme
        buf.fill(rect, " ", theme.style(.foreground))
        guard let session = state.session, let alignment = state.alignment else { return }
        let panel = CellRect(x: rect.maxX - panelWidth, y: rect.y, width: panelWidth, height: rect.height)
        let mapRect = CellRect(x: rect.x + 6, y: rect.y + 1, width: rect.width - panelWidth - 8, height: rect.height - 1)
        if let d = session.distance {
            let g = HeatmapGeometry.make(state: &state, k: session.k, n: session.n, rect: mapRect)
            HeatmapView.draw(into: &buf, geometry: g, state: state, values: HeatmapView.distanceSource(d, range: session.distanceRange),
                             path: alignment.predicted, truth: session.truePositions, highlightRow: nil)
            if state.exactColors { buf.images.append(ImagePlacement(rect: mapRect, kind: .exactCells, key: "heatmap")) }
        } else {
            var w = PanelWriter(mapRect)
            w.wrapped(&buf, "No distance matrix: aligner \(alignment.name) placed the frames without one.", theme.style(.muted))
        }
        drawPanel(into: &buf, rect: panel, state: state, session: session, alignment: alignment)
    }

    static func drawPanel(into buf: inout ScreenBuffer, rect: CellRect, state: InspectorState, session: InspectorSession,
                          alignment: AlignmentResult) {
        let theme = state.theme, g = state.glyphs
        let text = theme.style(.foreground), muted = theme.style(.muted), title = theme.style(.accent, [.bold])
        var w = PanelWriter(CellRect(x: rect.x + 1, y: rect.y, width: rect.width - 1, height: rect.height))
        w.line(&buf, "Distance matrix D (Eq. 8)", title)
        if session.distance != nil {
            let r = session.distanceRange
            w.wrapped(&buf, session.distanceLabel, muted)
            let barY = w.y
            HeatmapView.colorBar(into: &buf, x: w.rect.x, y: barY, width: min(20, w.rect.width), map: theme.colormap, exact: state.exactColors)
            w.skip()
            // The heatmap colours min D over the columns a cell covers, scaled from the smallest to the largest D.
            w.line(&buf, "\(Fmt.num(Double(r.lowerBound), 2)) close → \(Fmt.num(Double(r.upperBound), 2)) far", muted)
            w.line(&buf, "\(theme.colormap.name), min per cell", muted)
        }
        w.skip()
        buf.write(String(g.predicted), x: w.rect.x, y: w.y, theme.style(.predicted, [.bold]))
        buf.write(" path (correct)", x: w.rect.x + 1, y: w.y, text)
        w.skip()
        buf.write(String(g.wrong), x: w.rect.x, y: w.y, theme.style(.wrong, [.bold]))
        buf.write(" path (wrong slot)", x: w.rect.x + 1, y: w.y, text)
        w.skip()
        buf.write(String(g.truth), x: w.rect.x, y: w.y, theme.style(.truth, [.bold]))
        buf.write(" true slot", x: w.rect.x + 1, y: w.y, text)
        w.skip()
        buf.write("+", x: w.rect.x, y: w.y, theme.style(.cursor))
        buf.write(" cursor (frame, slot)", x: w.rect.x + 1, y: w.y, text)
        w.skip()
        w.skip()
        w.line(&buf, "aligner    \(alignment.name)", text)
        let rate = 1 - Double(session.k) / Double(session.n)
        w.line(&buf, "frames     \(session.k)/\(session.n) (\(Fmt.num(rate * 100, 0))% lost)", text)
        if let s = state.score {
            w.line(&buf, "Ali_b      \(s.positionBias)", text)
            w.line(&buf, "exact      \(Fmt.num(s.exactShare * 100, 1))% (\(session.k - s.wrong)/\(session.k))", text)
        } else {
            w.line(&buf, "Ali_b      — (no truth)", muted)
        }
        if let c = alignment.pathCost { w.line(&buf, "path cost  \(Fmt.num(c, 3)) (Eq. 9)", text) }
        w.skip()
        let i = min(state.row, session.k - 1)
        w.line(&buf, "cursor     frame \(i), slot \(state.slot)", theme.style(.cursor))
        if let d = session.distance { w.line(&buf, "D(\(i),\(state.slot)) = \(Fmt.num(Double(d[i, state.slot]), 3))", text) }
        let truth = session.truePositions.map { " true \($0[i])" } ?? ""
        w.line(&buf, "frame \(i): pred \(alignment.predicted[i])\(truth)", text)
        if w.remaining > 1 {
            w.skip()
            for note in session.notes where w.remaining > 0 { w.wrapped(&buf, note, muted) }
        }
    }
}
