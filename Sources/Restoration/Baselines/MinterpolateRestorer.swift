import Media

/// FFmpeg's motion-compensated interpolation (`minterpolate`), run in-process through libavfilter: the
/// non-learned baseline a user would reach for today.
///
/// Per gap, a fresh graph `minterpolate=fps=F:mi_mode=mci:mc_mode=aobmc:me_mode=bidir` (F = the slot grid's
/// frame rate, time base 1/F) receives frame l at pts l and frame r at pts r, and then frame r again at pts
/// 2r − l: minterpolate keeps four frames and only emits the output between its second and third buffered frames,
/// so without a frame after r it emits nothing for the gap (measured: with only l and r it returns no frames).
/// It emits pts l, l+1, …, r; the frames at the requested slots are kept.
/// minterpolate's other options keep FFmpeg's defaults, including scene-change detection (scd=fdiff,
/// threshold 10): when it judges l and r a scene change it repeats frames instead of interpolating, as the
/// `ffmpeg` command line would. Frames pass through 8-bit RGB and FFmpeg's RGB↔YUV conversion.
public struct MinterpolateRestorer: FrameRestorer {
    public let name = "minterpolate"
    /// Extra options appended to the filter ("" for FFmpeg's defaults), e.g. ":scd=none".
    public let extraOptions: String

    public init(extraOptions: String = "") {
        self.extraOptions = extraOptions
    }

    /// The filter description for a slot grid at `frameRate`.
    public func filterDescription(frameRate: Rational) -> String {
        "minterpolate=fps=\(frameRate.numerator)/\(frameRate.denominator):mi_mode=mci:mc_mode=aobmc:me_mode=bidir"
            + extraOptions
    }

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        let rate = context.frameRate
        guard rate.numerator > 0, rate.denominator > 0 else {
            throw MediaError.invalidArgument("frame rate \(rate) must be positive")
        }
        let graph = try VideoFilterGraph(width: left.width, height: left.height,
                                         timeBase: Rational(rate.denominator, rate.numerator), frameRate: rate,
                                         description: filterDescription(frameRate: rate))
        let l = Int64(left.slot), r = Int64(right.slot)
        let rightFrame = try right.videoFrame()
        try graph.push(try left.videoFrame(), pts: l)
        try graph.push(rightFrame, pts: r)
        try graph.push(rightFrame, pts: 2 * r - l)
        try graph.finish()
        // Output pts are in the sink's time base; map them back to slots.
        let outBase = graph.outputTimeBase
        var bySlot: [Int: VideoFrame] = [:]
        for (frame, pts) in try graph.pullAll() {
            let seconds = Double(pts) * outBase.value
            let slot = Int((seconds * rate.value).rounded())
            if bySlot[slot] == nil { bySlot[slot] = frame }
        }
        return try slots.map { t in
            guard let frame = bySlot[t] else {
                throw MediaError.decodeFailed(path: "filter graph \"\(filterDescription(frameRate: rate))\"",
                                              reason: "no output frame for slot \(t) (gap \(left.slot)…\(right.slot))")
            }
            return SlotFrame(slot: t, frame: frame)
        }
    }
}
