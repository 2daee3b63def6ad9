import Testing
@testable import Inspector

/// Every view drawn at fixed sizes into the in-memory screen model, compared with snapshot files in
/// Snapshots/ (character grid; the heatmap also as a colour grid). INSPECTOR_RECORD=1 rewrites them.
@Suite struct ViewSnapshotTests {
    static func render(_ ui: inout InspectorUI, _ w: Int = 100, _ h: Int = 30) -> ScreenBuffer { ui.render(width: w, height: h) }

    static func expectSnapshot(_ text: String, _ name: String) {
        if let problem = Snapshot.check(text, named: name) { Issue.record(Comment(rawValue: problem)) }
    }

    /// The heatmap's colours as digits: the colour map bucket (0 low … 9 high) of each cell's background.
    static func colourGrid(_ buf: ScreenBuffer, map: ColorMap) -> String {
        guard let region = buf.hitRegions.first(where: { $0.name == "heatmap" })?.rect else { return "" }
        var lines: [String] = []
        for y in region.y..<region.maxY {
            var line = ""
            for x in region.x..<region.maxX {
                guard case let .rgb(c) = buf[x, y].style.bg, let idx = map.table.firstIndex(of: c) else {
                    line += "."
                    continue
                }
                line += String(min(9, idx * 10 / 256))
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    @Test func alignmentView() {
        var ui = TestSessions.ui()
        ui.state.slot = 16
        ui.state.row = 3
        let buf = Self.render(&ui)
        Self.expectSnapshot(buf.text, "alignment-100x30")
        Self.expectSnapshot(Self.colourGrid(buf, map: ui.state.theme.colormap), "alignment-100x30-colours")
        #expect(buf.text.contains("Ali_b"))
        #expect(buf.text.contains("✗"), "the wrong placement of frame 3 is highlighted")
    }

    @Test func alignmentViewInASCII() {
        var ui = TestSessions.ui(glyphs: .ascii)
        let buf = Self.render(&ui)
        Self.expectSnapshot(buf.text, "alignment-ascii-100x30")
        #expect(buf.cells.allSatisfy { $0.char.isASCII }, "LC_ALL=C screens use ASCII only")
    }

    @Test func stepViewMidwayAndFinished() {
        var ui = TestSessions.ui()
        _ = ui.perform(.viewStep)
        _ = ui.perform(.stepForward)
        _ = ui.perform(.stepForward)
        Self.expectSnapshot(Self.render(&ui).text, "step-row2-100x30")
        _ = ui.perform(.stepFinish)
        let done = Self.render(&ui).text
        Self.expectSnapshot(done, "step-finished-100x30")
        #expect(done.contains("Backtracked path"))
    }

    @Test func framesViewAsciiAndHalfBlocks() {
        var ui = TestSessions.ui(graphics: .ascii)
        _ = ui.perform(.viewFrames)
        ui.state.slot = 7
        Self.expectSnapshot(Self.render(&ui).text, "frames-ascii-100x30")
        ui.state.graphics = .color256
        _ = ui.perform(.toggleDifference)
        let buf = Self.render(&ui)
        Self.expectSnapshot(buf.text, "frames-256-diff-100x30")
        // 256-colour half-blocks only use palette colours.
        for y in 1..<buf.height - 1 {
            for x in 0..<buf.width where buf[x, y].char == "▀" {
                if case let .rgb(fg) = buf[x, y].style.fg { #expect(ColorQuantizer.xterm256.contains(fg)) }
                if case let .rgb(bg) = buf[x, y].style.bg { #expect(ColorQuantizer.xterm256.contains(bg)) }
            }
        }
    }

    @Test func framesViewSixelLeavesBlanksAndPlacements() {
        var ui = TestSessions.ui(graphics: .sixel)
        _ = ui.perform(.viewFrames)
        let buf = Self.render(&ui)
        let sixels = buf.images.filter { $0.kind == .sixel }
        // Restored and truth, each with its face zoom under it.
        #expect(sixels.count == 4)
        #expect(sixels.filter { $0.key.contains("#zoom") }.count == 2)
        for p in sixels {
            #expect(p.rect.maxY < buf.height - 1, "images keep clear of the bottom row")
            #expect(p.image.map { $0.height <= p.rect.height * 20 && $0.width <= p.rect.width * 10 } ?? false)
        }
    }

    @Test func helpOverlay() {
        var ui = TestSessions.ui()
        _ = ui.perform(.help)
        Self.expectSnapshot(Self.render(&ui, 100, 40).text, "help-100x40")
    }

    @Test func tooSmall() {
        var ui = TestSessions.ui()
        let text = Self.render(&ui, 50, 12).text
        Self.expectSnapshot(text, "too-small-50x12")
        #expect(text.contains("terminal too small: need 72×18"))
    }

    @Test func loadingAndFailure() {
        var ui = TestSessions.ui()
        ui.state.session = nil
        ui.state.progress = Progress(message: "decoding", fraction: 0.4)
        let loading = Self.render(&ui).text
        #expect(loading.contains("Loading synthetic.mp4: decoding 40%"))
        #expect(loading.contains("decoding 40%"))
        ui.state.failure = "cannot load the clip: boom"
        #expect(Self.render(&ui).text.contains("Error: cannot load the clip: boom"))
    }

    @Test func zoomedOutHeatmapAggregatesColumns() {
        var ui = TestSessions.ui()
        _ = Self.render(&ui)
        _ = ui.perform(.zoomOut)
        _ = ui.perform(.zoomOut)
        let buf = Self.render(&ui)
        let heat = buf.hitRegions.first { $0.name == "heatmap" }?.rect
        #expect(heat != nil)
        // Fit gave 2 cells per column; two steps out reach 1/2 (two columns per cell): the matrix takes 15 cells.
        let row0 = (heat!.x..<heat!.maxX).filter { if case .rgb = buf[$0, heat!.y].style.bg { return buf[$0, heat!.y].style.bg != .rgb(ui.state.theme[.background]) } else { return false } }
        #expect(row0.count == 15)
    }
}
