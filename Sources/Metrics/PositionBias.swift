/// Position bias Ali_b of one clip: how far the predicted slots of the surviving frames lie from the true ones.
///
/// Ali_b = Σᵢ |sᵢ − s′ᵢ| over the surviving frames i (the paper's Table III metric), plus the number and share of
/// surviving frames placed exactly. Slots are original frame indices (0-based).
public struct PositionBias: Sendable, Hashable, Codable {
    /// Σ |sᵢ − s′ᵢ| in slots.
    public let total: Int
    /// Surviving frames whose predicted slot equals the true one.
    public let exact: Int
    /// Surviving frames compared.
    public let frames: Int

    /// Compares predicted with true slots, frame by frame; throws when the counts differ or are zero.
    public init(predicted: [Int], truth: [Int]) throws(MetricsError) {
        guard predicted.count == truth.count else {
            throw .sizeMismatch("\(predicted.count) predicted positions vs \(truth.count) true ones")
        }
        guard !truth.isEmpty else { throw .invalidArgument("position bias needs at least one surviving frame") }
        var total = 0, exact = 0
        for (p, t) in zip(predicted, truth) {
            total += abs(p - t)
            if p == t { exact += 1 }
        }
        self.total = total
        self.exact = exact
        self.frames = truth.count
    }

    /// Share of surviving frames placed exactly, in [0, 1].
    public var exactShare: Double { Double(exact) / Double(frames) }
}

/// Position bias over many clips: the average and median of the per-clip Ali_b (as Table III reports them),
/// and the share of all surviving frames placed exactly (pooled over clips).
public struct PositionBiasSummary: Sendable, Hashable, Codable {
    /// Number of clips.
    public let clips: Int
    /// Mean of the per-clip Ali_b.
    public let mean: Double
    /// Median of the per-clip Ali_b (the mean of the two middle values for an even count).
    public let median: Double
    /// Exactly placed surviving frames / all surviving frames, over every clip.
    public let exactShare: Double

    /// Summarises per-clip biases; throws on an empty list.
    public init(_ perClip: [PositionBias]) throws(MetricsError) {
        guard !perClip.isEmpty else { throw .invalidArgument("position bias summary needs at least one clip") }
        let totals = SummaryStatistics(perClip.map { Double($0.total) })
        clips = perClip.count
        mean = totals.mean
        median = totals.median
        exactShare = Double(perClip.map(\.exact).reduce(0, +)) / Double(perClip.map(\.frames).reduce(0, +))
    }
}
