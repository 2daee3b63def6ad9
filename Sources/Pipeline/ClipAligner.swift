import Alignment
import Dispatch
import Media
import Tensor

/// What an aligner reads of the surviving frames, as small per-survivor features instead of pictures.
///
/// The decode plan (`DroppedClip`) fills only what the chosen aligner asks for (`ClipAligner.needsPictures`,
/// `.mouthConfiguration`) while it streams the survivors' face squares, so aligning a long clip never holds its
/// frames in memory. The evaluation harness fills it from frames it already holds, through the same extractor.
public struct SurvivorFeatures: Sendable {
    /// k: surviving frames.
    public var count: Int
    /// Each survivor's timestamp in seconds from the file (nil when the frames carry none).
    public var timestamps: [Double]?
    /// Seconds on the file's clock of slot 0 (`SlotGrid.origin`: the audio's start), where `timestamps` count from.
    public var timestampOrigin: Double
    /// 32² grey thumbnails of each survivor's face square (`VisualChange.thumbnail`), when asked for.
    public var thumbnails: [[Float]]?
    /// Ali-Net's standardised mouth crops, `count × mouthSize` values, when asked for.
    public var mouths: [Float]?
    /// Each survivor's lip geometry (`LipGeometrySource`; nil where no face was found), when asked for.
    public var lipGeometry: [[Float]?]?

    public init(count: Int, timestamps: [Double]? = nil, timestampOrigin: Double = 0, thumbnails: [[Float]]? = nil, mouths: [Float]? = nil,
                lipGeometry: [[Float]?]? = nil) {
        self.count = count
        self.timestamps = timestamps
        self.timestampOrigin = timestampOrigin
        self.thumbnails = thumbnails
        self.mouths = mouths
        self.lipGeometry = lipGeometry
    }

    /// The k − 1 picture changes between consecutive survivors (`VisualChange.thumbnailChange`), nil without
    /// thumbnails.
    public func thumbnailChange() throws -> [Float]? {
        guard let thumbnails else { return nil }
        return try VisualChange.thumbnailChange(thumbnails: thumbnails)
    }
}

/// Places the surviving frames of a clip among its slots: the bridge between a clip and a `PositionEstimator`.
///
/// Content-free aligners (`uniform`, `timestamps`) need only the counts and timestamps; `visual` the survivors'
/// thumbnails; Ali-Net's aligners their mouth crops and the clip's audio. An aligner never sees the true positions.
public protocol ClipAligner: Sendable {
    /// The aligner's name as reports print it.
    var name: String { get }
    /// True when the aligner reads the survivors' face-square thumbnails.
    var needsPictures: Bool { get }
    /// The Ali-Net configuration whose mouth crops the aligner reads, nil when it reads none.
    var mouthConfiguration: AliNetConfiguration? { get }
    /// Where the aligner's survivor lip geometry comes from, nil when it reads none.
    var lipGeometrySource: LipGeometrySource? { get }
    /// The estimator behind the name, as outputs say it (`aligner`, the catalog's best, is e.g. "posterior-lips");
    /// the name itself by default.
    var estimatorName: String { get }
    /// Positions of the survivors among the `slotCount` slots of `audio`'s grid.
    func align(_ survivors: SurvivorFeatures, slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate
}

extension ClipAligner {
    public var needsPictures: Bool { false }
    public var mouthConfiguration: AliNetConfiguration? { nil }
    public var lipGeometrySource: LipGeometrySource? { nil }
    public var estimatorName: String { name }
    /// True when the aligner reads anything of the survivors' pictures (the decode plan's pass 2 runs).
    public var usesContent: Bool { needsPictures || mouthConfiguration != nil || lipGeometrySource != nil }

    /// Aligns survivors held as face-square frames (the evaluation harness, the inspector), with the clip's audio.
    public func align(survivors: [VideoFrame], slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        let features = try SurvivorFeatureExtractor(for: self).features(of: survivors)
        return try align(features, slotCount: slotCount, fps: fps, audio: audio)
    }
}

/// Computes the features an aligner asks for from survivors' face squares: the one place they are cut.
public struct SurvivorFeatureExtractor: Sendable {
    public var thumbnails: Bool
    public var mouth: AliNetConfiguration?
    public var lips: LipGeometrySource?

    public init(thumbnails: Bool, mouth: AliNetConfiguration?, lips: LipGeometrySource? = nil) {
        self.thumbnails = thumbnails
        self.mouth = mouth
        self.lips = lips
    }

    public init(for aligner: any ClipAligner) {
        self.init(thumbnails: aligner.needsPictures, mouth: aligner.mouthConfiguration, lips: aligner.lipGeometrySource)
    }

    /// The thumbnail, mouth crop and lip geometry of one face square (nil when not asked for, or no face for the
    /// geometry).
    public func features(of face: VideoFrame) throws -> (thumbnail: [Float]?, mouth: [Float]?, lipGeometry: [Float]?) {
        let t = thumbnails ? try VisualChange.thumbnail(rgb: face.rgb, width: face.width, height: face.height) : nil
        let m = try mouth.map { try AliNetInputs.mouth(rgb: face.rgb, width: face.width, height: face.height, configuration: $0) }
        return (t, m, lips?.measure(face))
    }

    /// The features of every frame, computed on both cores; timestamps from the frames when all carry one.
    public func features(of frames: [VideoFrame]) throws -> SurvivorFeatures {
        let results = UnsafeResults<(thumbnail: [Float]?, mouth: [Float]?, lipGeometry: [Float]?)>(count: frames.count)
        DispatchQueue.concurrentPerform(iterations: frames.count) { i in
            results.set(i, Result { try features(of: frames[i]) })
        }
        let values = try results.values()
        let ts = frames.compactMap(\.timestamp)
        return SurvivorFeatures(count: frames.count, timestamps: ts.count == frames.count ? ts : nil,
                                thumbnails: thumbnails ? values.compactMap(\.thumbnail) : nil,
                                mouths: mouth != nil ? values.flatMap { $0.mouth ?? [] } : nil,
                                lipGeometry: lips != nil ? values.map(\.lipGeometry) : nil)
    }
}

/// Spreads the survivors evenly over the slots (the `uniform` baseline).
public struct UniformClipAligner: ClipAligner {
    public let name = EstimatorKind.uniform.rawValue
    public init() {}

    public func align(_ survivors: SurvivorFeatures, slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        try UniformEstimator().estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount))
    }
}

/// Positions from the survivors' own timestamps (`timestamps`): only for files whose timestamps were kept.
public struct TimestampClipAligner: ClipAligner {
    public let name = EstimatorKind.timestamps.rawValue
    public init() {}

    public func align(_ survivors: SurvivorFeatures, slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        guard let ts = survivors.timestamps, ts.count == survivors.count else {
            throw AlignmentError.missingInput("a surviving frame has no timestamp")
        }
        return try TimestampEstimator().estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount, timestamps: ts,
                                                                fps: fps, startTime: survivors.timestampOrigin))
    }
}

extension PositionEstimate {
    /// Positions made usable for restoration: strictly increasing and inside `0 ..< slotCount`, changing as few as
    /// possible. Only `threshold` can need this (it places frames independently); for every other estimator this
    /// returns `positions` unchanged. Each frame keeps its order; a frame placed at or before its predecessor moves
    /// to the next free slot, and frames are pulled back from the end where they would not fit.
    public func monotone(slotCount n: Int) -> [Int] {
        let k = positions.count
        var out = positions
        for i in 0..<k {
            let low = i == 0 ? 0 : out[i - 1] + 1
            let high = n - (k - i)
            out[i] = min(max(out[i], low), high)
        }
        return out
    }
}
