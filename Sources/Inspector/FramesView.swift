import Media

/// The frames view: at the cursor's slot, the restored frame beside the ground truth (and optionally their
/// absolute difference), under each a zoom on the face (where restoration shows), with that frame's PSNR and SSIM.
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
        // The frame on top, the face zoomed ×2 under it (when there is room for both).
        let zoomHeight = imageHeight >= 12 ? (imageHeight - 1) * 2 / 5 : 0
        let frameHeight = zoomHeight > 0 ? imageHeight - zoomHeight - 1 : imageHeight
        let region = session.faceRegion ?? .centre
        for (p, pane) in panes.enumerated() {
            let x = rect.x + p * (paneWidth + gap)
            buf.write(pane.title, x: x, y: rect.y, theme.style(.accent, [.bold]), maxWidth: paneWidth)
            let area = CellRect(x: x, y: rect.y + 1, width: paneWidth, height: frameHeight)
            if let image = session.frames.frame(slot: slot, kind: pane.kind) {
                ImageRenderer.draw(image, into: &buf, rect: area, mode: state.graphics, key: "\(pane.kind)#\(slot)",
                                   cellPixels: state.cellPixels, glyphs: state.glyphs, exactColors: state.exactColors, background: base)
                if zoomHeight > 0, let face = Self.crop(image, region) {
                    let zy = area.maxY
                    buf.write(session.faceRegion == nil ? "zoom: centre" : "zoom: face", x: x, y: zy, theme.style(.muted), maxWidth: paneWidth)
                    ImageRenderer.draw(face, into: &buf, rect: CellRect(x: x, y: zy + 1, width: paneWidth, height: zoomHeight),
                                       mode: state.graphics, key: "\(pane.kind)#\(slot)#zoom", cellPixels: state.cellPixels,
                                       glyphs: state.glyphs, exactColors: state.exactColors, background: base)
                }
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
            var mouth = ""
            if let mp = m.mouthPSNR { mouth = "   mouth \(Fmt.num(mp, 2)) dB" + (m.lmd.map { " · LMD \(Fmt.num($0, 3))" } ?? "") }
            w.line(&buf, "PSNR \(psnr)   SSIM \(ssim)\(mouth)   method \(method)", theme.style(.accent))
        } else {
            w.line(&buf, "no metrics (no ground truth)", theme.style(.muted))
        }
        let play = state.playing ? "playing at \(Fmt.num(session.fps, 2)) fps — Space pauses" : "Space plays at \(Fmt.num(session.fps, 2)) fps"
        w.line(&buf, "\(play) · m method · a aligner · d difference · s save PNG · i image mode", theme.style(.muted))
    }

    /// `region` of `image` (nil when it would be empty).
    static func crop(_ image: RGBImage, _ region: FaceRegion) -> RGBImage? {
        let w = Double(image.width), h = Double(image.height)
        let x = Int(region.x * w), y = Int(region.y * h)
        let cw = max(1, Int(region.width * w)), ch = max(1, Int(region.height * h))
        let r = PixelRect(x: x, y: y, width: cw, height: ch).clamped(width: image.width, height: image.height)
        guard r.width > 0, r.height > 0 else { return nil }
        return try? image.cropped(to: r)
    }
}
