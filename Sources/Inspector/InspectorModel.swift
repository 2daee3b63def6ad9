import Alignment
import Media

/// The picture type every view and backend shows: Media's 8-bit RGB frame (reused, not redefined).
public typealias RGBImage = VideoFrame

/// Which picture the frames view asks for at a slot.
public enum FrameKind: Hashable, Sendable {
    /// The ground-truth frame of the complete clip.
    case truth
    /// The frame a restoration method produced from an aligner's positions (a surviving frame placed at
    /// the slot is shown as it is).
    case restored(method: String, aligner: String)
    /// |restored − truth| per channel.
    case difference(method: String, aligner: String)
}

/// Quality of one restored frame against the truth.
public struct FrameMetrics: Hashable, Sendable {
    /// PSNR in dB over RGB in [0, 1]; nil when the frame is identical to the truth (infinite).
    public var psnr: Double?
    /// SSIM (Wang et al. 2004); nil when no SSIM implementation is wired in.
    public var ssim: Double?
    /// PSNR inside the true frame's mouth box (`MouthReference.frameScores`, as `evaluate --mouth`); nil when no
    /// landmarks were found in the true frame.
    public var mouthPSNR: Double?
    /// LMD: the mouth points' mean distance to the true frame's, in inter-ocular distances; nil when not found.
    public var lmd: Double?

    public init(psnr: Double?, ssim: Double?, mouthPSNR: Double? = nil, lmd: Double? = nil) {
        self.psnr = psnr
        self.ssim = ssim
        self.mouthPSNR = mouthPSNR
        self.lmd = lmd
    }
}

/// Supplies pictures and per-frame metrics to the inspector; computed lazily or ahead, as the engine likes.
public protocol FrameProvider: Sendable {
    /// The picture of `kind` at original slot `slot` (0 ..< n), or nil when it does not exist (no truth, say).
    func frame(slot: Int, kind: FrameKind) -> RGBImage?
    /// Metrics of the restored frame at `slot` (method, aligner) against the truth, or nil without truth.
    func metrics(slot: Int, method: String, aligner: String) -> FrameMetrics?
}

/// A provider with nothing to show: for sessions built from numbers only (tests, alignment-only views).
public struct EmptyFrameProvider: FrameProvider {
    public init() {}
    public func frame(slot: Int, kind: FrameKind) -> RGBImage? { nil }
    public func metrics(slot: Int, method: String, aligner: String) -> FrameMetrics? { nil }
}

// The DP replay and the distance matrix are the engine's own types (Alignment.DPTrace, Alignment.DistanceMatrix):
// the inspector shows them, it does not recompute them. A few read-only conveniences follow.

extension DPTrace {
    /// DP(i, j).
    @inline(__always) func dp(_ i: Int, _ j: Int) -> Float { cost[i * columns + j] }

    /// The running prefix minimum of row `i − 1` seen from column `j`: min DP(i − 1, 0 ..< j) and its argmin
    /// (Eq. 10's inner minimum). Nil for row 0 or when no usable cell precedes `j`.
    func prefixMinimum(row i: Int, column j: Int) -> (value: Float, at: Int)? {
        guard i > 0, i < rows, j > 0, j <= columns else { return nil }
        let idx = (i - 1) * columns + (j - 1)
        let at = Int(prefixArgmin[idx])
        return at >= 0 && prefixMin[idx].isFinite ? (prefixMin[idx], at) : nil
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
    /// D (Eq. 8), when a matrix was computed.
    public var distance: DistanceMatrix?
    /// What D's numbers measure, shown in the legend ("Ali-Net embedding distance", …).
    public var distanceLabel: String
    /// Smallest and largest value of D (the colour map's range).
    public var distanceRange: ClosedRange<Float>
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
    /// Loudness of the audio in each slot's 1/fps window, 0 (silence) … 1 (the loudest slot), for the audio lane
    /// under the slot strip; nil when not computed (`InspectorSession.slotEnergy` fills it from the clip's audio).
    public var audioEnergy: [Float]?
    /// The face in the frames, as fractions (x, y, width, height) of the frame, for the frames view's zoom; nil
    /// zooms on the centre half of the frame.
    public var faceRegion: FaceRegion?

    public init(clipName: String, fps: Double, n: Int, k: Int, distance: DistanceMatrix? = nil, distanceLabel: String = "distance",
                truePositions: [Int]? = nil,
                alignments: [AlignmentResult], methods: [String], frames: any FrameProvider = EmptyFrameProvider(),
                notes: [String] = []) throws(InspectorError) {
        guard n > 0, k > 0, k <= n else { throw .invalidSession("need 0 < k ≤ n, got k = \(k), n = \(n)") }
        guard fps > 0, fps.isFinite else { throw .invalidSession("frame rate must be positive, got \(fps)") }
        if let d = distance, d.rows != k || d.columns != n {
            throw .invalidSession("distance matrix is \(d.rows)×\(d.columns), the session \(k)×\(n)")
        }
        if let t = truePositions, !InspectorSession.isValidPath(t, k: k, n: n) {
            throw .invalidSession("true positions must be \(k) increasing slots in 0..<\(n)")
        }
        guard !alignments.isEmpty else { throw .invalidSession("at least one alignment result is needed") }
        for a in alignments where !InspectorSession.isValidPath(a.predicted, k: k, n: n) {
            throw .invalidSession("aligner \(a.name): predicted positions must be \(k) increasing slots in 0..<\(n)")
        }
        for a in alignments { if let t = a.trace, t.rows != k || t.columns != n {
            throw .invalidSession("aligner \(a.name): DP trace is \(t.rows)×\(t.columns), the session \(k)×\(n)")
        } }
        self.clipName = clipName
        self.fps = fps
        self.n = n
        self.k = k
        self.distance = distance
        self.distanceLabel = distanceLabel
        let lo = distance?.values.min() ?? 0, hi = distance?.values.max() ?? 1
        distanceRange = lo < hi ? lo...hi : lo...(lo + 1)
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

/// A rectangle as fractions of a frame's width and height (so it holds at any decoded size).
public struct FaceRegion: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = max(0, min(1, x))
        self.y = max(0, min(1, y))
        self.width = max(0.01, min(1 - self.x, width))
        self.height = max(0.01, min(1 - self.y, height))
    }

    /// The centre half of the frame (used when the face is not known).
    public static let centre = FaceRegion(x: 0.25, y: 0.25, width: 0.5, height: 0.5)
}

/// Position-bias numbers of one alignment against the truth: Ali_b (the paper's Table III, `PositionBias`) and the
/// share of frames placed exactly.
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
