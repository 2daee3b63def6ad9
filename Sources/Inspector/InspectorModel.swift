import Media

/// The picture type every view and backend shows: Media's 8-bit RGB frame (reused, not redefined).
public typealias RGBImage = VideoFrame

/// Which picture the frames view asks for at a slot.
public enum FrameKind: Hashable, Sendable {
    /// The ground-truth frame of the complete clip.
    case truth
    /// The frame a restoration method produced (a surviving frame is its own restoration).
    case restored(method: String)
    /// |restored − truth| per channel, for one method.
    case difference(method: String)
}

/// Quality of one restored frame against the truth.
public struct FrameMetrics: Hashable, Sendable {
    /// PSNR in dB over RGB in [0, 1]; nil when the frame is identical to the truth (infinite).
    public var psnr: Double?
    /// SSIM (Wang et al. 2004); nil when no SSIM implementation is wired in.
    public var ssim: Double?

    public init(psnr: Double?, ssim: Double?) {
        self.psnr = psnr
        self.ssim = ssim
    }
}

/// Supplies pictures and per-frame metrics to the inspector; computed lazily or ahead, as the engine likes.
public protocol FrameProvider: Sendable {
    /// The picture of `kind` at original slot `slot` (0 ..< n), or nil when it does not exist (no truth, say).
    func frame(slot: Int, kind: FrameKind) -> RGBImage?
    /// Metrics of `method`'s frame at `slot` against the truth, or nil without truth.
    func metrics(slot: Int, method: String) -> FrameMetrics?
}

/// A provider with nothing to show: for sessions built from numbers only (tests, alignment-only views).
public struct EmptyFrameProvider: FrameProvider {
    public init() {}
    public func frame(slot: Int, kind: FrameKind) -> RGBImage? { nil }
    public func metrics(slot: Int, method: String) -> FrameMetrics? { nil }
}

/// The state of the monotone DP of Eq. 10 after every row: what the step-through view replays (paper Fig. 7).
///
/// `cost[i * n + j]` is DP(i, j) = D(i, j) + min DP(i − 1, 0 ..< j) (∞ where no monotone placement exists),
/// `predecessor[i * n + j]` the argmin j′ of that minimum (−1 in row 0 and where the cost is ∞),
/// `path` the backtracked positions s′ (one per surviving frame).
public struct DPTrace: Sendable, Equatable {
    /// Surviving frames (rows).
    public var k: Int
    /// Audio slots (columns).
    public var n: Int
    /// k × n accumulated costs, row major.
    public var cost: [Float]
    /// k × n chosen predecessors, row major.
    public var predecessor: [Int32]
    /// The backtracked path, `path[i]` = slot of surviving frame i.
    public var path: [Int]

    public init(k: Int, n: Int, cost: [Float], predecessor: [Int32], path: [Int]) {
        self.k = k
        self.n = n
        self.cost = cost
        self.predecessor = predecessor
        self.path = path
    }

    /// DP(i, j).
    public func cost(_ i: Int, _ j: Int) -> Float { cost[i * n + j] }

    /// The running prefix minimum of row `i − 1` seen from column `j`: min DP(i − 1, 0 ..< j), with its argmin.
    /// Nil for row 0 or when no finite value precedes `j`.
    public func prefixMinimum(row i: Int, column j: Int) -> (value: Float, at: Int)? {
        guard i > 0, i < k, j > 0, j <= n else { return nil }
        var best: Float = .infinity, at = -1
        let base = (i - 1) * n
        for c in 0..<j where cost[base + c] < best {
            best = cost[base + c]
            at = c
        }
        return at >= 0 ? (best, at) : nil
    }
}

/// What one aligner concluded: predicted positions, the matrix it worked on, and its DP trace if it ran one.
public struct AlignmentResult: Sendable, Equatable {
    /// Name shown in the status bar ("dp", "uniform", …).
    public var name: String
    /// Predicted slot of every surviving frame (k values, increasing).
    public var predicted: [Int]
    /// The DP replay, when this aligner is the DP of Eq. 10.
    public var trace: DPTrace?
    /// Total distance along the predicted path, Σ D(i, s′_i) (Eq. 9), when a matrix exists.
    public var pathCost: Double?

    public init(name: String, predicted: [Int], trace: DPTrace? = nil, pathCost: Double? = nil) {
        self.name = name
        self.predicted = predicted
        self.trace = trace
        self.pathCost = pathCost
    }
}

/// The distance matrix D of Eq. 8: surviving frames × audio slots, with what its numbers are.
public struct DistanceMatrix: Sendable, Equatable {
    /// Rows: surviving frames.
    public var k: Int
    /// Columns: audio slots.
    public var n: Int
    /// k × n values, row major.
    public var values: [Float]
    /// What the numbers measure, shown in the legend ("Ali-Net embedding distance", …).
    public var label: String
    /// Smallest and largest finite value (the colour map's range).
    public private(set) var range: ClosedRange<Float>

    /// A matrix; throws when the value count is not k × n.
    public init(k: Int, n: Int, values: [Float], label: String) throws(InspectorError) {
        guard k > 0, n > 0, values.count == k * n else {
            throw .invalidSession("distance matrix \(k)×\(n) needs \(max(0, k * n)) values, got \(values.count)")
        }
        self.k = k
        self.n = n
        self.values = values
        self.label = label
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        range = lo <= hi ? lo...hi : 0...1
    }

    /// D(i, j).
    public subscript(i: Int, j: Int) -> Float { values[i * n + j] }
}

/// Everything the inspector shows about one clip: the plain data model every view reads.
///
/// Built by `EngineAdapters` (from a real clip) or directly (tests). Value type, `Sendable`: it is computed
/// on a background thread and handed to the UI loop whole.
public struct InspectorSession: Sendable {
    /// Clip name for the status bar.
    public var clipName: String
    /// Frame rate of the original clip (playback speed).
    public var fps: Double
    /// Slots of the complete clip (original frame count).
    public var n: Int
    /// Surviving frames.
    public var k: Int
    /// D, when a matrix was computed.
    public var distance: DistanceMatrix?
    /// True slot of every surviving frame, when the truth is known.
    public var truePositions: [Int]?
    /// One result per aligner; the `a` key cycles them.
    public var alignments: [AlignmentResult]
    /// Restoration methods the provider can show; the `m` key cycles them.
    public var methods: [String]
    /// Pictures and per-frame metrics.
    public var frames: any FrameProvider
    /// Notes shown under the numbers (what is approximate and why).
    public var notes: [String]

    public init(clipName: String, fps: Double, n: Int, k: Int, distance: DistanceMatrix? = nil, truePositions: [Int]? = nil,
                alignments: [AlignmentResult], methods: [String], frames: any FrameProvider = EmptyFrameProvider(),
                notes: [String] = []) throws(InspectorError) {
        guard n > 0, k > 0, k <= n else { throw .invalidSession("need 0 < k ≤ n, got k = \(k), n = \(n)") }
        guard fps > 0, fps.isFinite else { throw .invalidSession("frame rate must be positive, got \(fps)") }
        if let d = distance, d.k != k || d.n != n {
            throw .invalidSession("distance matrix is \(d.k)×\(d.n), the session \(k)×\(n)")
        }
        if let t = truePositions, !InspectorSession.isValidPath(t, k: k, n: n) {
            throw .invalidSession("true positions must be \(k) increasing slots in 0..<\(n)")
        }
        guard !alignments.isEmpty else { throw .invalidSession("at least one alignment result is needed") }
        for a in alignments where !InspectorSession.isValidPath(a.predicted, k: k, n: n) {
            throw .invalidSession("aligner \(a.name): predicted positions must be \(k) increasing slots in 0..<\(n)")
        }
        self.clipName = clipName
        self.fps = fps
        self.n = n
        self.k = k
        self.distance = distance
        self.truePositions = truePositions
        self.alignments = alignments
        self.methods = methods
        self.frames = frames
        self.notes = notes
    }

    static func isValidPath(_ p: [Int], k: Int, n: Int) -> Bool {
        guard p.count == k else { return false }
        for (i, s) in p.enumerated() {
            if s < 0 || s >= n { return false }
            if i > 0 && s <= p[i - 1] { return false }
        }
        return true
    }
}

/// Position-bias numbers of one alignment against the truth (anchors.md: Ali_b and the exact share).
public struct AlignmentScore: Sendable, Equatable {
    /// Ali_b = Σ |s_i − s′_i|.
    public var positionBias: Int
    /// Share of surviving frames placed exactly.
    public var exactShare: Double
    /// Surviving frames placed wrongly.
    public var wrong: Int

    /// Scores `predicted` against `truth` (same length).
    public init(predicted: [Int], truth: [Int]) {
        var bias = 0, exact = 0
        for (p, t) in zip(predicted, truth) {
            bias += abs(p - t)
            if p == t { exact += 1 }
        }
        positionBias = bias
        exactShare = truth.isEmpty ? 0 : Double(exact) / Double(truth.count)
        wrong = truth.count - exact
    }
}
