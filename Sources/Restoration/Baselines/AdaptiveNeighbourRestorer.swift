/// Cross-fade where the neighbours agree, the nearer neighbour where they differ: a gap filled without double edges.
///
/// A plain cross-fade (`BlendRestorer`) draws every moving edge twice, half-transparent (the collar and tie of a
/// talking head); holding a neighbour draws it once, sharp, at most half the motion away. This restorer does both,
/// pixel by pixel: with d the largest absolute RGB difference between the two neighbours over a 3×3 window (8-bit
/// units), the cross-fade Î = (1 − v)·I_l + v·I_r (v = (t − l)/(r − l)) is kept where d ≤ `agree`, the nearer
/// neighbour (I_l for v ≤ ½, else I_r) is taken where d ≥ `differ`, and the two are mixed linearly in between. The
/// cross-fade of agreeing pixels suppresses coding noise; where the neighbours disagree nothing is blended, so
/// nothing ghosts. No motion is estimated (a moving edge lands at the nearer neighbour's place): the background
/// method behind a learned face square (`CroppedRestorer`), where the picture is nearly still.
public struct AdaptiveNeighbourRestorer: FrameRestorer {
    public let name = "adaptive"
    /// 3×3-max difference (8-bit units) up to which the neighbours are cross-faded.
    public let agree: Float
    /// 3×3-max difference (8-bit units) from which the nearer neighbour is taken alone.
    public let differ: Float

    public init(agree: Float = 6, differ: Float = 18) {
        self.agree = agree
        self.differ = max(agree + 1, differ)
    }

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        let w = left.width, h = left.height, plane = w * h
        let blendWeight = weights(left: left.planes, right: right.planes, width: w, height: h)
        let span = Float(right.slot - left.slot)
        return try slots.map { t throws(RestorationError) in
            let v = Float(t - left.slot) / span
            let nearer: Float = v <= 0.5 ? 0 : 1
            var planes = [Float](repeating: 0, count: left.planes.count)
            left.planes.withUnsafeBufferPointer { a in
                right.planes.withUnsafeBufferPointer { b in
                    blendWeight.withUnsafeBufferPointer { m in
                        planes.withUnsafeMutableBufferPointer { out in
                            for i in 0..<plane {
                                // Mix of the cross-fade's factor and the nearer neighbour's, by agreement.
                                let f = m[i] * v + (1 - m[i]) * nearer
                                for c in 0..<3 {
                                    let o = c * plane + i
                                    out[o] = a[o] + f * (b[o] - a[o])
                                }
                            }
                        }
                    }
                }
            }
            return try SlotFrame(slot: t, width: w, height: h, planes: planes)
        }
    }

    /// Per pixel, 1 where the neighbours agree (cross-fade), 0 where they differ (nearer neighbour).
    func weights(left a: [Float], right b: [Float], width w: Int, height h: Int) -> [Float] {
        let plane = w * h
        var d = [Float](repeating: 0, count: plane)
        for i in 0..<plane {
            var m: Float = 0
            for c in 0..<3 { m = max(m, abs(a[c * plane + i] - b[c * plane + i])) }
            d[i] = 255 * m
        }
        // 3×3 maximum, separable: a pixel next to a moving edge is treated as moving too.
        var rows = d
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                rows[i] = max(d[i], max(x > 0 ? d[i - 1] : 0, x + 1 < w ? d[i + 1] : 0))
            }
        }
        var out = [Float](repeating: 0, count: plane)
        let range = differ - agree
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let m = max(rows[i], max(y > 0 ? rows[i - w] : 0, y + 1 < h ? rows[i + w] : 0))
                out[i] = min(1, max(0, (differ - m) / range))
            }
        }
        return out
    }
}
