/// The visual-continuity cue for `dp-prior`: how much the picture changes between consecutive surviving frames.
public enum VisualChange {
    /// c_i = mean |a − b| over the values of surviving frames i and i + 1 (e.g. planar Float mouth crops in
    /// [0, 1], all the same size): k − 1 values for k frames.
    public static func meanAbsoluteDifference(frames: [[Float]]) throws(AlignmentError) -> [Float] {
        guard frames.count >= 2 else { return [] }
        let size = frames[0].count
        guard size > 0 else { throw .emptyInput("frames with no values") }
        var out: [Float] = []
        out.reserveCapacity(frames.count - 1)
        for i in 1..<frames.count {
            let a = frames[i - 1], b = frames[i]
            guard b.count == size else { throw .shapeMismatch("frame \(i) has \(b.count) values, frame 0 has \(size)") }
            var s = 0.0
            for t in 0..<size { s += Double(abs(a[t] - b[t])) }
            guard s.isFinite else { throw .nonFiniteValue("frame \(i - 1) or \(i)") }
            out.append(Float(s / Double(size)))
        }
        return out
    }
}
