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
        return greyBoxAverage(rgb: rgb, width: width, height: height, region: (0, 0, Double(width), Double(height)),
                              outWidth: side, outHeight: side)
    }

    /// Box averages of BT.601 luma in [0, 1] over the pixel region (x0, y0, x1, y1) of an 8-bit RGB picture
    /// (`width × height × 3`, row-major, size checked by the caller), `outWidth × outHeight` values: thumbnails and
    /// Ali-Net's mouth crops.
    static func greyBoxAverage(rgb: [UInt8], width: Int, height: Int, region: (Double, Double, Double, Double),
                               outWidth wo: Int, outHeight ho: Int) -> [Float] {
        let (x0, y0, x1, y1) = region
        var out = [Float](repeating: 0, count: ho * wo)
        rgb.withUnsafeBufferPointer { p in
            for oy in 0..<ho {
                let ya = min(height - 1, Int(y0 + (y1 - y0) * Double(oy) / Double(ho)))
                let yb = max(ya + 1, min(height, Int(y0 + (y1 - y0) * Double(oy + 1) / Double(ho))))
                for ox in 0..<wo {
                    let xa = min(width - 1, Int(x0 + (x1 - x0) * Double(ox) / Double(wo)))
                    let xb = max(xa + 1, min(width, Int(x0 + (x1 - x0) * Double(ox + 1) / Double(wo))))
                    var s: Float = 0
                    for y in ya..<yb {
                        var i = (y * width + xa) * 3
                        for _ in xa..<xb {
                            s += 0.299 * Float(p[i]) + 0.587 * Float(p[i + 1]) + 0.114 * Float(p[i + 2])
                            i += 3
                        }
                    }
                    out[oy * wo + ox] = s / Float((yb - ya) * (xb - xa) * 255)
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
