/// Linear cross-fade: Î_t = (1 − v)·I_l + v·I_r with v = (t − l)/(r − l), the paper's interpolation factor
/// (what FFmpeg's `framerate` filter does; no motion).
public struct BlendRestorer: FrameRestorer {
    public let name = "blend"

    public init() {}

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        let span = Float(right.slot - left.slot)
        return try slots.map { t throws(RestorationError) in
            let v = Float(t - left.slot) / span
            var planes = [Float](repeating: 0, count: left.planes.count)
            left.planes.withUnsafeBufferPointer { a in
                right.planes.withUnsafeBufferPointer { b in
                    planes.withUnsafeMutableBufferPointer { out in
                        for i in out.indices { out[i] = a[i] + v * (b[i] - a[i]) }
                    }
                }
            }
            return try SlotFrame(slot: t, width: left.width, height: left.height, planes: planes)
        }
    }
}
