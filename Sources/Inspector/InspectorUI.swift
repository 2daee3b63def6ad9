/// The inspector's UI without a terminal: it turns events into state changes and state into a `ScreenBuffer`.
///
/// The run loop (`InspectorApp`) feeds it events from a backend; tests feed it key scripts and read the buffer.
public struct InspectorUI: Sendable {
    public var state: InspectorState
    /// Smallest usable screen.
    public static let minimumSize = (width: 72, height: 18)

    public init(state: InspectorState) {
        self.state = state
    }

    // MARK: - Layout

    /// Where each part of the screen goes at `width × height`.
    public struct Layout: Sendable, Equatable {
        public var tabs: CellRect
        public var main: CellRect
        public var strip: CellRect
        public var status: CellRect
    }

    public static func layout(width: Int, height: Int) -> Layout {
        let strip = PositionsStrip.height
        return Layout(tabs: CellRect(x: 0, y: 0, width: width, height: 1),
                      main: CellRect(x: 0, y: 1, width: width, height: height - 3 - strip),
                      strip: CellRect(x: 1, y: height - 1 - strip, width: width - 2, height: strip),
                      status: CellRect(x: 0, y: height - 1, width: width, height: 1))
    }

    // MARK: - Rendering

    /// Draws the whole screen at `width × height`.
    public mutating func render(width: Int, height: Int) -> ScreenBuffer {
        var buf = ScreenBuffer(width: width, height: height)
        let theme = state.theme
        buf.fill(buf.bounds, " ", theme.style(.foreground))
        guard width >= Self.minimumSize.width, height >= Self.minimumSize.height else {
            drawTooSmall(into: &buf)
            return buf
        }
        let l = Self.layout(width: width, height: height)
        drawTabs(into: &buf, rect: l.tabs)
        if let failure = state.failure {
            var w = PanelWriter(l.main.insetBy(dx: 2, dy: 1))
            w.wrapped(&buf, "Error: " + failure, theme.style(.wrong, [.bold]))
            w.line(&buf, "q quits", theme.style(.muted))
        } else if state.session == nil {
            let msg = state.progress.map { p in p.message + (p.fraction.map { " \(Int(($0 * 100).rounded()))%" } ?? "") } ?? "loading"
            buf.write("Loading \(state.clipName): \(msg)", x: 2, y: l.main.y + l.main.height / 2, theme.style(.warning))
            buf.write("(the keys work meanwhile: ? help, q quit)", x: 2, y: l.main.y + l.main.height / 2 + 1, theme.style(.muted))
        } else {
            switch state.view {
            case .alignment: AlignmentView.draw(into: &buf, rect: l.main, state: &state)
            case .step: DPStepView.draw(into: &buf, rect: l.main, state: &state)
            case .frames: FramesView.draw(into: &buf, rect: l.main, state: state)
            }
            PositionsStrip.draw(into: &buf, rect: l.strip, state: state)
        }
        StatusBar.draw(into: &buf, y: l.status.y, state: state)
        if state.showHelp { HelpOverlay.draw(into: &buf, state: state) }
        if state.glyphs == .ascii { buf.foldToASCII() }
        return buf
    }

    func drawTabs(into buf: inout ScreenBuffer, rect: CellRect) {
        let theme = state.theme
        var x = rect.x + 1
        x += buf.write("dropfill inspect ", x: x, y: rect.y, theme.style(.accent, [.bold]))
        for (i, v) in InspectorView.allCases.enumerated() {
            let label = " \(i + 1) \(v.title) "
            let style = v == state.view ? theme.style(.statusForeground, bg: .statusBackground, [.bold]) : theme.style(.muted)
            buf.addHitRegion("tab:\(v.rawValue)", CellRect(x: x, y: rect.y, width: label.count, height: 1))
            x += buf.write(label, x: x, y: rect.y, style) + 1
        }
    }

    func drawTooSmall(into buf: inout ScreenBuffer) {
        let (w, h) = Self.minimumSize
        let lines = ["terminal too small: need \(w)×\(h)", "have \(buf.width)×\(buf.height) — enlarge it, or q to quit"]
        for (i, l) in lines.enumerated() {
            let y = buf.height / 2 - 1 + i
            buf.write(l, x: max(0, (buf.width - l.count) / 2), y: y, state.theme.style(i == 0 ? .warning : .muted, i == 0 ? [.bold] : []))
        }
    }

    // MARK: - Events

    /// Applies one event; returns false when the UI should quit.
    public mutating func handle(_ event: InputEvent, screen: ScreenBuffer? = nil) -> Bool {
        switch event {
        case let .key(key):
            state.notice = nil
            if state.showHelp && (key == .escape || key == .char("?")) {
                state.showHelp = false
                return true
            }
            if key == .escape { return true }
            guard let action = Keymap.action(for: key) else { return true }
            return perform(action)
        case let .click(x, y):
            click(x: x, y: y, screen: screen)
            return true
        case let .scroll(_, _, up):
            return perform(up ? .slotLeft : .slotRight)
        case .resize:
            return true
        }
    }

    /// Runs a keymap action; returns false for quit.
    public mutating func perform(_ action: Action) -> Bool {
        let n = state.session?.n ?? 1, k = state.session?.k ?? 1
        switch action {
        case .quit: return false
        case .help: state.showHelp.toggle()
        case .redraw: break
        case .viewAlignment: state.view = .alignment
        case .viewStep: state.view = .step
        case .viewFrames: state.view = .frames
        case .nextView:
            let all = InspectorView.allCases
            state.view = all[((all.firstIndex(of: state.view) ?? 0) + 1) % all.count]
        case .slotLeft: moveSlot(to: state.slot - 1, n: n)
        case .slotRight: moveSlot(to: state.slot + 1, n: n)
        case .slotLeftFast: moveSlot(to: state.slot - 10, n: n)
        case .slotRightFast: moveSlot(to: state.slot + 10, n: n)
        case .slotFirst: moveSlot(to: 0, n: n)
        case .slotLast: moveSlot(to: n - 1, n: n)
        case .previousFrame: selectRow(state.row - 1, k: k)
        case .nextFrame: selectRow(state.row + 1, k: k)
        case .zoomIn, .zoomOut:
            let levels = HeatmapGeometry.zoomLevels
            let current = state.zoom
            if action == .zoomIn {
                state.zoom = levels.first { $0 > current + 1e-9 } ?? levels[levels.count - 1]
            } else {
                state.zoom = levels.last { $0 < current - 1e-9 } ?? levels[0]
            }
            state.zoomToFit = false
        case .zoomFit: state.zoomToFit = true
        case .stepForward:
            state.view = .step
            state.dpStep = min(k, state.dpStep + 1)
            focusStepRow()
        case .stepBack:
            state.view = .step
            state.dpStep = max(0, state.dpStep - 1)
            focusStepRow()
        case .stepFinish:
            state.view = .step
            state.dpStep = k
        case .stepRestart:
            state.view = .step
            state.dpStep = 1
            focusStepRow()
        case .nextMethod:
            if let m = state.session?.methods.count, m > 0 { state.methodIndex = (state.methodIndex + 1) % m }
        case .nextAligner:
            if let a = state.session?.alignments.count, a > 0 { state.alignerIndex = (state.alignerIndex + 1) % a }
        case .toggleDifference: state.showDifference.toggle()
        case .saveFrames: saveFrames()
        case .play:
            guard state.session != nil else { break }
            state.playing.toggle()
            if state.playing {
                state.view = .frames
                if state.slot >= n - 1 { state.slot = 0 }
            }
        case .cycleGraphics:
            let modes = state.availableGraphics
            state.graphics = modes[((modes.firstIndex(of: state.graphics) ?? -1) + 1) % modes.count]
        case .cycleTheme:
            state.themeIndex = (state.themeIndex + 1) % state.themes.count
            state.colormapIndex = nil
        case .cycleColormap:
            guard !state.colormaps.isEmpty else { break }
            let current = state.colormapIndex ?? (state.colormaps.firstIndex { $0.name == state.themes[state.themeIndex].colormap.name } ?? -1)
            state.colormapIndex = (current + 1) % state.colormaps.count
        }
        return true
    }

    /// Advances playback by one frame; stops at the last slot.
    public mutating func tick() {
        guard state.playing, let n = state.session?.n else { return }
        if state.slot + 1 >= n {
            state.playing = false
        } else {
            state.slot += 1
        }
    }

    mutating func moveSlot(to s: Int, n: Int) {
        state.slot = max(0, min(n - 1, s))
        // Keep the highlighted row on the surviving frame at or before the cursor.
        if let a = state.alignment, state.view != .step, let i = a.predicted.lastIndex(where: { $0 <= state.slot }) { state.row = i }
    }

    mutating func selectRow(_ i: Int, k: Int) {
        state.row = max(0, min(k - 1, i))
        if state.view == .step {
            state.dpStep = state.row + 1
        } else if let a = state.alignment {
            state.slot = a.predicted[state.row]
        }
    }

    mutating func focusStepRow() {
        guard state.dpStep > 0, let trace = state.alignment?.trace else { return }
        state.row = state.dpStep - 1
        // Put the cursor on the row's cheapest cell: where the prefix minimum is most interesting.
        var best = Float.infinity
        for j in 0..<trace.columns where trace.dp(state.row, j) < best {
            best = trace.dp(state.row, j)
            state.slot = j
        }
    }

    mutating func click(x: Int, y: Int, screen: ScreenBuffer?) {
        guard let screen, let region = screen.hitRegion(x: x, y: y) else { return }
        switch region.name {
        case "heatmap":
            guard let s = state.session else { return }
            var copy = state
            let l = Self.layout(width: screen.width, height: screen.height)
            let rect = state.view == .step
                ? CellRect(x: l.main.x + 6, y: l.main.y + 1, width: l.main.width - AlignmentView.panelWidth - 4 - 8, height: l.main.height - 7)
                : CellRect(x: l.main.x + 6, y: l.main.y + 1, width: l.main.width - AlignmentView.panelWidth - 8, height: l.main.height - 1)
            let g = HeatmapGeometry.make(state: &copy, k: s.k, n: s.n, rect: rect)
            if let e = g.entry(x: x, y: y) {
                state.slot = e.column
                if state.view == .step {
                    if e.row < state.dpStep { state.row = e.row }
                } else {
                    state.row = e.row
                }
            }
        case "strip":
            guard let n = state.session?.n else { return }
            let l = Self.layout(width: screen.width, height: screen.height)
            if let s = PositionsStrip.slot(atX: x, rect: l.strip, n: n) { moveSlot(to: s, n: n) }
        case let name where name.hasPrefix("tab:"):
            if let v = InspectorView(rawValue: String(name.dropFirst(4))) { state.view = v }
        default: break
        }
    }
}
