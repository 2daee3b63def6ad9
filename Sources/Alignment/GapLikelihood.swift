import Foundation

/// Visual continuity as a likelihood of gap lengths (ours): how likely a gap of g slots is between two consecutive
/// surviving frames, given how much the picture changed between them.
///
/// Model: log c_i = a + b·log g_i + ε, ε ~ N(0, σ²), where c_i is the change between surviving frames i and i + 1
/// (`VisualChange.thumbnailChange`) and g_i = s_{i+1} − s_i. The slope b and the spread σ are fitted across
/// clips (`fit`); the offset a is the clip's own (how fast this speaker moves, how textured this face is): it is
/// set so that the clip's mean log change matches the mean log gap of the even spread, a = mean log c − b·mean
/// log ĝ with ĝ the gaps of `UniformEstimator`. So the cue says only which gaps are *longer than the others*;
/// how long they are in total is fixed by n. Gaps then get the weight
///
///     w_i(g) = exp(−(log c_i − a − b·log g)² / (2σ²)),
///
/// a transition weight for the forward–backward of `PosteriorMedianEstimator` (the same place the gap prior of
/// `dp-prior` enters Eq. 10). Under independent drops the gap prior itself is constant over placements
/// (see `GapPrior.geometric`), so this cue is what moves positions away from the even spread.
public struct GapLikelihood: Codable, Sendable, Equatable {
    /// b: how the log change grows with the log gap.
    public var slope: Double
    /// σ: spread of the log change around the line.
    public var sigma: Double
    /// Added to every change before the logarithm (changes are RMS grey differences in [0, 1]).
    public var floor: Double

    public init(slope: Double, sigma: Double, floor: Double = 1e-4) {
        self.slope = slope
        self.sigma = sigma
        self.floor = floor
    }

    /// b and σ fitted on the training split of `SampleData/corpora/av.tsv` (split seed 0: 24 clips of GRID,
    /// Obama and VoxCeleb2, 5 Bernoulli drop patterns at rate 0.87 each, 32² thumbnails of 256² face crops) with
    /// `fit`, as the calibration of `dropfill train-align` does it (`--calibrate-only` reruns just that step; it prints
    /// the fit and stores it in the model file, see SampleData/models/README-alinet.md). `visual` uses these constants
    /// so that it needs no model file.
    public static let fitted = GapLikelihood(slope: 0.550, sigma: 0.492)

    /// The clip's offset a for k frames in n slots: the mean log change minus b times the mean log gap of the
    /// even spread.
    public func offset(changes: [Float], frames k: Int, slots n: Int) throws(AlignmentError) -> Double {
        guard changes.count == k - 1, k >= 2 else { throw .shapeMismatch("\(changes.count) visual changes for \(k) frames") }
        let spread = try UniformEstimator.positions(frames: k, slots: n)
        var meanLogGap = 0.0, meanLogChange = 0.0
        for i in 0..<(k - 1) {
            meanLogGap += log(Double(max(1, spread[i + 1] - spread[i])))
            meanLogChange += log(Double(changes[i]) + floor)
        }
        return (meanLogChange - slope * meanLogGap) / Double(k - 1)
    }

    /// log w_i(g) for the k − 1 transitions and gaps g = 1 … `maxGap` (row i, column g − 1).
    public func logWeights(changes: [Float], frames k: Int, slots n: Int, maxGap: Int) throws(AlignmentError) -> [[Double]] {
        guard sigma.isFinite, sigma > 0, slope.isFinite, floor.isFinite, floor > 0 else {
            throw .invalidSetting("gap likelihood slope \(slope), σ \(sigma), floor \(floor)")
        }
        guard changes.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .nonFiniteValue("visual change") }
        guard maxGap >= 1 else { throw .invalidSetting("max gap \(maxGap) < 1") }
        let a = try offset(changes: changes, frames: k, slots: n)
        let logGaps = (1...maxGap).map { log(Double($0)) }
        let inv = 1 / (2 * sigma * sigma)
        return changes.map { c in
            let y = log(Double(c) + floor) - a
            return logGaps.map { lg in let r = y - slope * lg; return -r * r * inv }
        }
    }

    /// Least squares of the clip-centred log change on the clip-centred log gap, pooled over clips: every clip
    /// gives its surviving frames' changes and true gaps (`changes[c].count == gaps[c].count`); clips with fewer
    /// than two gaps are skipped. σ is the residual standard deviation.
    public static func fit(changes: [[Float]], gaps: [[Int]], floor: Double = 1e-4) throws(AlignmentError) -> GapLikelihood {
        guard changes.count == gaps.count else { throw .shapeMismatch("\(changes.count) clips of changes, \(gaps.count) of gaps") }
        var xs: [Double] = [], ys: [Double] = []
        for (c, g) in zip(changes, gaps) {
            guard c.count == g.count else { throw .shapeMismatch("\(c.count) changes for \(g.count) gaps") }
            guard c.count >= 2 else { continue }
            guard g.allSatisfy({ $0 >= 1 }), c.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .invalidSetting("gaps must be ≥ 1 and changes finite and ≥ 0")
            }
            let x = g.map { log(Double($0)) }, y = c.map { log(Double($0) + floor) }
            let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
            xs += x.map { $0 - mx }
            ys += y.map { $0 - my }
        }
        let sxx = zip(xs, xs).map(*).reduce(0, +), sxy = zip(xs, ys).map(*).reduce(0, +)
        guard xs.count >= 3, sxx > 0 else { throw .invalidSetting("too few or all-equal gaps to fit (\(xs.count) pairs)") }
        let b = sxy / sxx
        let residual = zip(xs, ys).map { ($1 - b * $0) * ($1 - b * $0) }.reduce(0, +)
        let sigma = (residual / Double(xs.count - 1)).squareRoot()
        guard sigma > 0, sigma.isFinite else { throw .invalidSetting("the changes fit the gaps exactly: no spread to use") }
        return GapLikelihood(slope: b, sigma: sigma, floor: floor)
    }
}

/// Visual continuity as a transition cost of `dp-prior` (Eq. 10 plus transition costs): μ·(−log w_i(g)) with the
/// gap likelihood w of `GapLikelihood`; μ converts nats into the distance units of D and is calibrated per model.
public struct VisualContinuity: Codable, Sendable, Equatable {
    /// The gap likelihood.
    public var gap: GapLikelihood
    /// μ, distance units per nat.
    public var weight: Double

    public init(gap: GapLikelihood = .fitted, weight: Double) {
        self.gap = gap
        self.weight = weight
    }
}
