import Testing
@testable import Inspector

/// Key scripts through the real UI loop with the in-memory backend: press keys, read the screen.
@Suite struct KeyScriptTests {
    static func run(_ keys: [InputEvent], width: Int = 100, height: Int = 30, ui: InspectorUI = TestSessions.ui()) -> (InspectorUI, MemoryBackend) {
        let backend = MemoryBackend(width: width, height: height, script: keys)
        let final = InspectorApp.run(ui: ui, backend: backend, stopWhenIdle: true)
        return (final, backend)
    }

    static func keys(_ s: String) -> [InputEvent] { s.map { .key(.char($0)) } }

    static func status(_ b: MemoryBackend) -> String { b.screen?.textLines.last ?? "" }

    @Test func movingTheCursorUpdatesStatusAndStrip() {
        let (ui, b) = Self.run(Self.keys("lll") + [.key(.right), .key(.left)])
        #expect(ui.state.slot == 3)
        #expect(Self.status(b).contains("slot 3 of 0–29"))
        let stripLine = b.screen!.textLines[b.screen!.height - 3]
        #expect(stripLine.contains("▲ 3"))
    }

    @Test func qQuitsAndNothingAfterIsRead() {
        let (_, b) = Self.run(Self.keys("lq") + Self.keys("llll"))
        #expect(b.script.count == 4, "the loop stopped at q")
    }

    @Test func ctrlCQuitsToo() {
        let (_, b) = Self.run([.key(.ctrl("c")), .key(.char("l"))])
        #expect(b.script.count == 1)
    }

    @Test func methodAndAlignerSwitchWithOneKey() {
        let (ui, b) = Self.run(Self.keys("3ma"))
        #expect(ui.state.method == "blend")
        #expect(ui.state.alignment?.name == "uniform")
        #expect(Self.status(b).contains("method blend"))
        #expect(Self.status(b).contains("aligner uniform"))
        #expect(b.screen!.text.contains("restored · blend · uniform"))
    }

    @Test func steppingTheDPFillsRowsThenBacktracks() {
        var (ui, b) = Self.run(Self.keys("2n"))
        #expect(ui.state.view == .step)
        #expect(ui.state.dpStep == 2)
        #expect(b.screen!.text.contains("rows filled  2 of 6"))
        #expect(b.screen!.text.contains("predecessor j'"))
        (ui, b) = Self.run(Self.keys("2nnnnnnnn"))
        #expect(ui.state.dpStep == 6)
        #expect(b.screen!.text.contains("Backtracked path"))
        (ui, b) = Self.run(Self.keys("2nnb"))
        #expect(ui.state.dpStep == 2)
    }

    @Test func helpOpensAndEscapeClosesIt() {
        var (ui, b) = Self.run(Self.keys("?"))
        #expect(ui.state.showHelp)
        #expect(b.screen!.text.contains("Keys — Esc or ? closes"))
        (ui, b) = Self.run(Self.keys("?") + [.key(.escape)])
        #expect(!ui.state.showHelp)
        #expect(!b.screen!.text.contains("Keys — Esc"))
    }

    @Test func resizeRedrawsAndTooSmallRecovers() {
        let (_, b) = Self.run([.resize(width: 40, height: 10), .resize(width: 120, height: 40)])
        #expect(b.presented.count == 3)
        #expect(b.presented[1].text.contains("terminal too small"))
        #expect(b.presented[2].width == 120)
        #expect(b.presented[2].textLines.last?.contains("slot 0 of 0–29") == true)
    }

    @Test func clickOnStripAndHeatmapMovesCursor() {
        // The strip spans 30 slots from column 7 (x0 = 1 + 6) at rows 26…28 of a 100×30 screen.
        var (ui, _) = Self.run([.click(x: 7 + 20, y: 26)])
        #expect(ui.state.slot == 20)
        // Heatmap: first matrix cell at x = 6, y = 2 with 2 cells per column (fit of 30 columns into 62).
        let screen = TestSessions.ui()
        var probe = screen
        let buf = probe.render(width: 100, height: 30)
        let heat = buf.hitRegions.first { $0.name == "heatmap" }!.rect
        // Rows are 3 lines tall (23 lines for 6 rows, at most 3 each): row 5 starts at heat.y + 15.
        (ui, _) = Self.run([.click(x: heat.x + 2 * 12, y: heat.y + 5 * 3 + 1)])
        #expect(ui.state.slot == 12)
        #expect(ui.state.row == 5)
    }

    @Test func cyclingGraphicsThemeAndColormap() {
        let (ui, b) = Self.run(Self.keys("itc"))
        #expect(ui.state.graphics == .sixel, "ascii → sixel wraps around the list")
        #expect(ui.state.theme.name == "light")
        #expect(ui.state.colormapIndex != nil)
        #expect(Self.status(b).contains("theme light"))
    }

    @Test func playAdvancesAtTheClipRate() {
        var ui = TestSessions.ui()
        _ = ui.perform(.play)
        #expect(ui.state.playing)
        #expect(ui.state.view == .frames)
        for _ in 0..<40 { ui.tick() }
        #expect(ui.state.slot == 29)
        #expect(!ui.state.playing, "playback stops at the last slot")
    }

    @Test func jumpBetweenSurvivingFrames() {
        let (ui, _) = Self.run(Self.keys("jj"))
        #expect(ui.state.row == 2)
        #expect(ui.state.slot == ui.state.alignment!.predicted[2])
    }

    @Test func loadingInTheBackgroundKeepsKeysAlive() {
        var start = TestSessions.ui()
        start.state.session = nil
        let mailbox = InspectorApp.startLoading { m in
            m.progress("working", 0.5)
            return TestSessions.session()
        }
        let backend = MemoryBackend(width: 100, height: 30, script: Self.keys("?"))
        let final = InspectorApp.run(ui: start, backend: backend, mailbox: mailbox, stopWhenIdle: true)
        #expect(final.state.session != nil)
        #expect(final.state.showHelp)
        #expect(final.state.progress == nil)
    }
}
