import Foundation

/// One audio segment per original video frame slot, with context (paper Sec. III-B, Fig. 4).
///
/// For a video at `p` fps there are `n = round(duration · p)` slots; slot `j` is displayed during
/// `[j/p, (j+1)/p)`. Its **anchor** is the feature frame whose centre time is nearest to the slot's centre
/// `(j + 0.5)/p` (ties go to the later frame): `f_j = clamp(round(((j + 0.5)/p − c₀)/h), 0, F − 1)`, where
/// `c₀` is the centre of feature frame 0 and `h` the hop (both from the `FeatureMatrix`). Its segment is the
/// anchor and `context` neighbouring feature frames on each side (10 ms apart), i.e. frames `f_j − context …
/// f_j + context`, concatenated in time order: with the default `context = 2` that is the paper's five
/// segments, 25 ms windows spanning 65 ms of audio centred on the slot.
///
/// Why the centre and not the start `j/p`: a frame shows the face over its whole display interval, and
/// centring keeps the 5-segment context (±20 ms of hops plus half a 25 ms window = ±32.5 ms) symmetric around
/// that interval, which at 30 fps (33.3 ms slots) covers the interval with the same margin on both sides;
/// anchoring at `j/p` would shift the audio half a slot (16.7 ms) early.
///
/// Edge padding: neighbour indices outside `0 ..< F` are clamped, so the first and last feature frames are
/// repeated (replicate padding) — for slots at the clip's ends, and for the rare slot whose centre lies past
/// the last feature frame when `round(duration · p)` rounds up.
public enum SlotFeatures {
    /// `round(duration · fps)` (half away from zero). Throws `invalidFrameRate` when `fps` is not positive
    /// and finite.
    public static func slotCount(duration: Double, fps: Double) throws(FeaturesError) -> Int {
        guard fps.isFinite, fps > 0 else { throw .invalidFrameRate(fps) }
        guard duration.isFinite, duration >= 0 else { throw .invalidSetting("duration \(duration)") }
        return Int((duration * fps).rounded(.toNearestOrAwayFromZero))
    }

    /// The anchor feature frame of slot `slot` (see the type's documentation).
    public static func anchorFrame(slot: Int, fps: Double, features: FeatureMatrix) -> Int {
        guard features.rows > 0, features.step > 0 else { return 0 }
        let centre = (Double(slot) + 0.5) / fps
        let f = Int(((centre - features.firstCentre) / features.step).rounded(.toNearestOrAwayFromZero))
        return min(max(f, 0), features.rows - 1)
    }

    /// The `n × (2·context + 1)·dims` matrix of slot segments (row j = slot j; step `1/fps`, first centre
    /// `0.5/fps`).
    ///
    /// - Parameters:
    ///   - features: frames from `AudioFeatures.compute`.
    ///   - fps: the video's original frame rate.
    ///   - slotCount: `n`; `nil` means `round(features.duration · fps)`.
    ///   - context: neighbours on each side (2 = the paper's five segments).
    public static func make(features: FeatureMatrix, fps: Double, slotCount: Int? = nil,
                            context: Int = 2) throws(FeaturesError) -> FeatureMatrix {
        guard fps.isFinite, fps > 0 else { throw .invalidFrameRate(fps) }
        guard context >= 0 else { throw .invalidSetting("context \(context) < 0") }
        guard features.rows > 0 else { throw .invalidSetting("no feature frames") }
        let n: Int
        if let slotCount { n = slotCount } else { n = try self.slotCount(duration: features.duration, fps: fps) }
        guard n >= 0 else { throw .invalidSetting("slot count \(n) < 0") }
        let dims = features.columns, width = 2 * context + 1
        var out = [Float](repeating: 0, count: n * width * dims)
        features.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for j in 0..<n {
                    let anchor = anchorFrame(slot: j, fps: fps, features: features)
                    for o in 0..<width {
                        let f = min(max(anchor + o - context, 0), features.rows - 1)
                        let d = (j * width + o) * dims, s = f * dims
                        for c in 0..<dims { dst[d + c] = src[s + c] }
                    }
                }
            }
        }
        return try FeatureMatrix(rows: n, columns: width * dims, values: out, step: 1 / fps,
                                 firstCentre: 0.5 / fps, duration: features.duration)
    }
}
