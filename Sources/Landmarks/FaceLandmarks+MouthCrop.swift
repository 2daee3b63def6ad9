import Media

extension FaceLandmarks {
    /// The box around the mouth: the mouth points' bounding box grown by `margin` of the mouth width on every side,
    /// widened or heightened about its centre to `aspect` (width / height), in the pixels of the landmarks' frame
    /// (not clamped: `mouthCrop` clamps).
    public func mouthBox(margin: Double = 0.25, aspect: Double = 1.5) -> PixelRect {
        let m = mouthPoints
        let xs = m.map { Double($0.x) }, ys = m.map { Double($0.y) }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return box }
        let pad = margin * (x1 - x0)
        var w = x1 - x0 + 2 * pad, h = y1 - y0 + 2 * pad
        if aspect > 0 {
            if w / h < aspect { w = h * aspect } else { h = w / aspect }
        }
        let cx = (x0 + x1) / 2, cy = (y0 + y1) / 2
        return PixelRect(x: Int((cx - w / 2).rounded()), y: Int((cy - h / 2).rounded()),
                         width: max(1, Int(w.rounded())), height: max(1, Int(h.rounded())))
    }

    /// The mouth cut out of `frame` (the frame the landmarks were found in) around `mouthBox(margin:aspect:)`,
    /// clamped to the frame.
    public func mouthCrop(from frame: VideoFrame, margin: Double = 0.25, aspect: Double = 1.5) throws(LandmarksError) -> VideoFrame {
        do { return try frame.cropped(to: mouthBox(margin: margin, aspect: aspect)) } catch { throw .media(error) }
    }
}
