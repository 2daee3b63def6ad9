import Media

/// One square face crop for a whole clip: the box the evaluation and training frames are cut with.
///
/// A fixed box (rather than one that follows the face frame by frame) keeps the crop itself from adding motion that
/// a restorer would have to reproduce; talking heads move little within a clip. The box is the median of the
/// largest face found in up to 12 frames spread over the clip, enlarged 1.5× around its centre and moved down by a
/// tenth of its side so that mouth and chin are well inside, then clamped to the frame (staying square).
public enum FaceCrop {
    /// Enlargement of the detected box.
    public static let scale = 1.5
    /// Downward shift, as a fraction of the final side.
    public static let downShift = 0.1

    /// The crop box for the clip at `path` (`width × height` frames); the centred square when no face is found.
    public static func box(forClipAt path: String, width: Int, height: Int, samples: Int = 12) throws(MediaError) -> PixelRect {
        let detector = try FaceDetector()
        let decoder = try VideoDecoder(path: path)
        let total = max(1, decoder.stream.declaredFrameCount)
        let step = max(1, total / samples)
        var boxes: [PixelRect] = []
        var i = 0
        while let frame = try decoder.nextFrame() {
            if i % step == 0, let b = try detector.largestFace(in: frame) { boxes.append(b) }
            i += 1
            if boxes.count >= samples { break }
        }
        return square(around: boxes, width: width, height: height)
    }

    /// The square crop around the median of `boxes` in a `width × height` frame (the centred square for no boxes).
    public static func square(around boxes: [PixelRect], width: Int, height: Int) -> PixelRect {
        let maxSide = min(width, height)
        guard !boxes.isEmpty else {
            return PixelRect(x: (width - maxSide) / 2, y: (height - maxSide) / 2, width: maxSide, height: maxSide)
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let cx = median(boxes.map { Double($0.x) + Double($0.width) / 2 })
        let cy = median(boxes.map { Double($0.y) + Double($0.height) / 2 })
        let side = min(Double(maxSide), median(boxes.map { Double(max($0.width, $0.height)) }) * scale)
        let s = max(1, Int(side.rounded()))
        var x = Int((cx - side / 2).rounded()), y = Int((cy - side / 2 + side * downShift).rounded())
        x = max(0, min(x, width - s))
        y = max(0, min(y, height - s))
        return PixelRect(x: x, y: y, width: s, height: s)
    }
}
