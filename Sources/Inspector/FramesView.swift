/// The frames view: at the cursor's slot, the restored frame beside the ground truth (and optionally their
/// absolute difference), with that frame's PSNR and SSIM.
public enum FramesView {
    public static func draw(into buf: inout ScreenBuffer, rect: CellRect, state: InspectorState) {
        let theme = state.theme
        let base = theme.style(.foreground)
        buf.fill(rect, " ", base)
        guard let session = state.session, let method = state.method, let alignment = state.alignment else {
            if state.session != nil { buf.write("No restoration method available.", x: rect.x + 2, y: rect.y + 1, theme.style(.muted)) }
            return
        }
        let slot = min(state.slot, session.n - 1)
        var panes: [(title: String, kind: FrameKind)] = [("restored · \(method) · \(alignment.name)", .restored(method: method, aligner: alignment.name)),
                                                         ("ground truth", .truth)]
        if state.showDifference { panes.append(("|restored − truth|", .difference(method: method, aligner: alignment.name))) }
        let gap = 2
        let paneWidth = (rect.width - gap * (panes.count - 1)) / panes.count
        let infoRows = 3
        let imageHeight = rect.height - 1 - infoRows
        for (p, pane) in panes.enumerated() {
            let x = rect.x + p * (paneWidth + gap)
            buf.write(pane.title, x: x, y: rect.y, theme.style(.accent, [.bold]), maxWidth: paneWidth)
            let area = CellRect(x: x, y: rect.y + 1, width: paneWidth, height: imageHeight)
            if let image = session.frames.frame(slot: slot, kind: pane.kind) {
                ImageRenderer.draw(image, into: &buf, rect: area, mode: state.graphics, key: "\(pane.kind)#\(slot)",
                                   cellPixels: state.cellPixels, glyphs: state.glyphs, exactColors: state.exactColors, background: base)
            } else {
                let why = pane.kind == .truth ? "no ground truth for this clip" : "no frame"
                buf.write(why, x: x + 1, y: area.y + area.height / 2, theme.style(.muted), maxWidth: paneWidth - 1)
            }
        }
        var w = PanelWriter(CellRect(x: rect.x, y: rect.maxY - infoRows, width: rect.width, height: infoRows))
        let survivor = alignment.predicted.firstIndex(of: slot)
        let what: String
        if let i = survivor {
            let correct = session.truePositions.map { $0[i] == slot ? " (its true slot)" : " (truly slot \($0[i]))" } ?? ""
            what = "slot \(slot): surviving frame \(i) placed here by \(alignment.name)\(correct)"
        } else {
            let left = alignment.predicted.last { $0 < slot }, right = alignment.predicted.first { $0 > slot }
            what = "slot \(slot): dropped — restored between slots \(left.map(String.init) ?? "start") and \(right.map(String.init) ?? "end")"
        }
        w.line(&buf, what, base)
        if let m = session.frames.metrics(slot: slot, method: method, aligner: alignment.name) {
            let psnr = m.psnr.map { Fmt.num($0, 2) + " dB" } ?? "∞ (identical)"
            let ssim = m.ssim.map { Fmt.num($0, 4) } ?? "—"
            w.line(&buf, "PSNR \(psnr)   SSIM \(ssim)   method \(method)", theme.style(.accent))
        } else {
            w.line(&buf, "no metrics (no ground truth)", theme.style(.muted))
        }
        let play = state.playing ? "playing at \(Fmt.num(session.fps, 2)) fps — Space pauses" : "Space plays at \(Fmt.num(session.fps, 2)) fps"
        w.line(&buf, "\(play) · m method · a aligner · d difference · i image mode", theme.style(.muted))
    }
}
