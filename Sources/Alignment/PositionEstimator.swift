/// Finds where each surviving frame belongs among the original frame slots.
///
/// Every estimator takes the same `AlignmentInput` and answers with a `PositionEstimate`, so evaluations and the
/// inspector can swap them freely: `DynamicPositionRetrieval` (`dp`, Eq. 10), `PriorDPEstimator` (`dp-gap`,
/// `dp-prior`), `ThresholdEstimator` (`threshold`), `PosteriorMedianEstimator` (`posterior`, `posterior-visual`),
/// `VisualEstimator` (`visual`), `UniformEstimator` (`uniform`) and `TimestampEstimator` (`timestamps`). The
/// Ali-Net retrievals are named by `AliNetRetrieval`, the rest by `EstimatorKind`.
public protocol PositionEstimator: Sendable {
    /// The estimator's name as the CLI and reports spell it (an `EstimatorKind` raw value).
    var name: String { get }
    /// Places the k surviving frames among the n slots.
    func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate
}

/// The estimators `makeEstimator` builds from explicit settings (the retrievals an Ali-Net model file calibrates are
/// named by `AliNetRetrieval`).
public enum EstimatorKind: String, Sendable, CaseIterable, Codable {
    /// The paper's DP (Eq. 10).
    case dp
    /// DP with transition costs: gap prior and visual continuity (ours).
    case dpPrior = "dp-prior"
    /// Ali-Net_threshold: each frame on its own, by a distance threshold β.
    case threshold
    /// k frames spread evenly over n slots, ignoring content.
    case uniform
    /// Positions from container timestamps.
    case timestamps

    /// An estimator of this kind. `beta` is used by `threshold` only, `prior` by `dp-prior` only.
    public func makeEstimator(beta: Float = 1, prior: PriorDPSettings = PriorDPSettings()) -> any PositionEstimator {
        switch self {
        case .dp: DynamicPositionRetrieval()
        case .dpPrior: PriorDPEstimator(settings: prior)
        case .threshold: ThresholdEstimator(beta: beta)
        case .uniform: UniformEstimator()
        case .timestamps: TimestampEstimator()
        }
    }
}

/// What an estimator may look at. Each estimator uses only what it needs and throws `missingInput` when that
/// is absent.
public struct AlignmentInput: Sendable {
    /// k: surviving frames.
    public var frameCount: Int
    /// n: original frame slots.
    public var slotCount: Int
    /// The k × n distance matrix (Eq. 8) — `dp`, `dp-prior`, `threshold`.
    public var distances: DistanceMatrix?
    /// Presentation time (s) of each surviving frame — `timestamps`.
    public var timestamps: [Double]?
    /// Original frame rate — `timestamps`.
    public var fps: Double?
    /// Time (s) of slot 0, usually the stream's start time — `timestamps`.
    public var startTime: Double
    /// Visual change c_i ≥ 0 between surviving frames i and i+1 (k − 1 values: the root-mean-square difference
    /// of their 32² grey thumbnails of the whole face crop, `VisualChange.thumbnailChange`) — the cue of `dp-prior`, `posterior-visual` and
    /// `visual`.
    public var visualChange: [Float]?

    public init(frameCount: Int, slotCount: Int, distances: DistanceMatrix? = nil, timestamps: [Double]? = nil,
                fps: Double? = nil, startTime: Double = 0, visualChange: [Float]? = nil) {
        self.frameCount = frameCount
        self.slotCount = slotCount
        self.distances = distances
        self.timestamps = timestamps
        self.fps = fps
        self.startTime = startTime
        self.visualChange = visualChange
    }

    /// An input built from a distance matrix (k and n from its shape).
    public init(distances: DistanceMatrix, visualChange: [Float]? = nil) {
        self.init(frameCount: distances.rows, slotCount: distances.columns, distances: distances,
                  visualChange: visualChange)
    }
}

/// An estimator's answer.
public struct PositionEstimate: Sendable, Equatable {
    /// Which estimator produced it.
    public var estimator: String
    /// The raw answer per frame. Only `threshold` leaves frames unplaced (`nil`) or out of order / duplicated.
    public var placements: [Int?]
    /// A slot for every frame: `placements` with each `nil` replaced by the estimator's documented fallback.
    /// Use this for the position bias Ali_b.
    public var positions: [Int]
    /// The DP's inner state, for `dp` and `dp-prior`.
    public var trace: DPTrace?

    public init(estimator: String, placements: [Int?], positions: [Int], trace: DPTrace? = nil) {
        self.estimator = estimator
        self.placements = placements
        self.positions = positions
        self.trace = trace
    }

    /// Whether `positions` is strictly increasing (always true except for `threshold`).
    public var isStrictlyIncreasing: Bool { zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 } }
    /// Frames the raw answer left unplaced.
    public var unplacedCount: Int { placements.count { $0 == nil } }
}
