/// The visual-continuity cue of `dp-prior` and `posterior-visual`: how much the picture changes between consecutive
/// surviving frames.
public enum VisualChange {}

extension VisualChange {
    /// Side of the grey thumbnails `thumbnailChange` compares.
    public static let thumbnailSide = 32

    /// The `side`² grey thumbnail (BT.601 luma in [0, 1], box averages) of an 8-bit RGB picture
    /// (`width × height × 3`, row-major).
    public static func thumbnail(rgb: [UInt8], width: Int, height: Int, side: Int = thumbnailSide) throws(AlignmentError) -> [Float] {
        guard width >= side, height >= side, side > 0, rgb.count == width * height * 3 else {
            throw .shapeMismatch("\(rgb.count) bytes for a \(width)×\(height) RGB picture (need at least \(side)×\(side))")
        }
        var out = [Float](repeating: 0, count: side * side)
        rgb.withUnsafeBufferPointer { p in
            for oy in 0..<side {
                let ya = oy * height / side, yb = max(ya + 1, (oy + 1) * height / side)
                for ox in 0..<side {
                    let xa = ox * width / side, xb = max(xa + 1, (ox + 1) * width / side)
                    var s: Float = 0
                    for y in ya..<yb {
                        var i = (y * width + xa) * 3
                        for _ in xa..<xb {
                            s += 0.299 * Float(p[i]) + 0.587 * Float(p[i + 1]) + 0.114 * Float(p[i + 2])
                            i += 3
                        }
                    }
                    out[oy * side + ox] = s / Float((yb - ya) * (xb - xa) * 255)
                }
            }
        }
        return out
    }

    /// c_i = root-mean-square difference of the thumbnails of surviving frames i and i + 1 (k − 1 values): the
    /// cue of `GapLikelihood`. Whole-face thumbnails, not mouth crops: head and face motion over a gap is what
    /// grows with its length; the mouth opens and closes within it.
    public static func thumbnailChange(thumbnails: [[Float]]) throws(AlignmentError) -> [Float] {
        guard thumbnails.count >= 2 else { return [] }
        let size = thumbnails[0].count
        guard size > 0 else { throw .emptyInput("thumbnails with no values") }
        var out: [Float] = []
        out.reserveCapacity(thumbnails.count - 1)
        for i in 1..<thumbnails.count {
            let a = thumbnails[i - 1], b = thumbnails[i]
            guard b.count == size else { throw .shapeMismatch("thumbnail \(i) has \(b.count) values, thumbnail 0 has \(size)") }
            var s = 0.0
            for t in 0..<size { let d = Double(a[t] - b[t]); s += d * d }
            guard s.isFinite else { throw .nonFiniteValue("thumbnail \(i - 1) or \(i)") }
            out.append(Float((s / Double(size)).squareRoot()))
        }
        return out
    }
}
