import Media

/// Runs a face-crop restorer inside full frames: the face square is restored by `inner` at `size × size` and pasted
/// back over the full frame restored by `background`, with a feathered seam.
///
/// FE-Net is trained on S×S face crops; a user's video is a full frame. Outside the face the picture is nearly
/// static, so a classical method serves there — by default the cross-fade where the neighbours agree and the nearer
/// neighbour where they differ (`AdaptiveNeighbourRestorer`: no double edges on collar and tie) — and the seam is
/// hidden by a linear ramp of `feather` pixels inside the square's border (weight 0 at the border, 1 from `feather`
/// pixels in).
public struct CroppedRestorer: FrameRestorer {
    public let inner: any FrameRestorer
    public let background: any FrameRestorer
    /// The face square in full-frame pixels.
    public let box: PixelRect
    /// Side the inner restorer works at.
    public let size: Int
    /// Width of the seam's ramp in full-frame pixels.
    public let feather: Int

    public var name: String { inner.name }

    public init(inner: any FrameRestorer, background: any FrameRestorer = AdaptiveNeighbourRestorer(), box: PixelRect, size: Int,
                feather: Int? = nil) {
        self.inner = inner
        self.background = background
        self.box = box
        self.size = size
        self.feather = feather ?? max(2, min(box.width, box.height) / 16)
    }

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        let base = try background.restoreGap(left: left, right: right, slots: slots, context: context)
        let faces = try inner.restoreGap(left: try crop(left), right: try crop(right), slots: slots, context: context)
        return try zip(base, faces).map { try paste($1, into: $0) }
    }

    /// The face square of a full frame, resized to `size × size`.
    public func crop(_ frame: SlotFrame) throws -> SlotFrame {
        let picture = try frame.videoFrame().cropped(to: box)
        return SlotFrame(slot: frame.slot, frame: try Resampler.resize(picture, width: size, height: size))
    }

    /// `face` (size × size) scaled to the box and blended into `frame` with the feathered weight.
    public func paste(_ face: SlotFrame, into frame: SlotFrame) throws -> SlotFrame {
        let region = box.clamped(width: frame.width, height: frame.height)
        let scaled = try Resampler.resize(try face.videoFrame(), width: box.width, height: box.height).planarFloat()
        var out = frame.planes
        let plane = frame.width * frame.height, boxPlane = box.width * box.height
        let f = Float(max(1, feather))
        for y in region.y..<(region.y + region.height) {
            let by = y - box.y
            for x in region.x..<(region.x + region.width) {
                let bx = x - box.x
                let edge = min(min(bx, box.width - 1 - bx), min(by, box.height - 1 - by))
                let w = min(1, Float(edge) / f)
                for c in 0..<3 {
                    let o = c * plane + y * frame.width + x
                    out[o] = (1 - w) * out[o] + w * scaled[c * boxPlane + by * box.width + bx]
                }
            }
        }
        return try SlotFrame(slot: frame.slot, width: frame.width, height: frame.height, planes: out)
    }
}
