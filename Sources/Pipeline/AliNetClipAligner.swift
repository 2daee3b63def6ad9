import Tensor
import Corpus
import Alignment
import Dispatch
import Media

/// Places survivors with Ali-Net embeddings and one of its retrieval stages (`dp`, `dp-gap`, `dp-prior`, `threshold`,
/// `posterior`, `posterior-visual`). Sees only the survivors and the clip's audio, never the clip's other frames.
public struct AliNetClipAligner: ClipAligner {
    public let name: String
    public let model: AliNetModel
    public let retrieval: AliNetRetrieval
    public var estimatorName: String { retrieval.rawValue }

    public init(model: AliNetModel, retrieval: AliNetRetrieval, name: String? = nil) {
        self.model = model
        self.retrieval = retrieval
        self.name = name ?? retrieval.rawValue
    }

    public var needsPictures: Bool { retrieval.usesVisualChange }
    public var mouthConfiguration: AliNetConfiguration? { model.configuration }

    public func align(_ survivors: SurvivorFeatures, slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        guard survivors.count > 0 else { throw AlignmentError.emptyInput("no surviving frames") }
        guard survivors.count <= slotCount else { throw AlignmentError.moreFramesThanSlots(frames: survivors.count, slots: slotCount) }
        guard let audio, audio.slotCount == slotCount else {
            throw AlignmentError.missingInput("the clip has no audio track; Ali-Net aligns by the audio")
        }
        guard let mouths = survivors.mouths else { throw AlignmentError.missingInput("the survivors' mouth crops were not cut") }
        let segments = try audio.aliNetSegments(model.configuration)
        let change = retrieval.usesVisualChange ? try survivors.thumbnailChange() : nil
        var estimate = try model.align(mouths: mouths, frameCount: survivors.count, segments: segments,
                                       slotCount: slotCount, retrieval: retrieval, faceChange: change)
        // Name what placed the frames: "posterior-visual (aligner)" rather than "aligner".
        estimate.estimator = name == retrieval.rawValue ? name : "\(retrieval.rawValue) (\(name))"
        return estimate
    }
}

/// `visual` on decoded clips (`VisualEstimator`): places survivors by the picture alone — no audio, no model file —
/// from the change between consecutive survivors' thumbnails: a large change says many frames were lost between.
public struct VisualClipAligner: ClipAligner {
    public let name = "visual"
    public var gapLikelihood: GapLikelihood

    public init(gapLikelihood: GapLikelihood = .fitted) {
        self.gapLikelihood = gapLikelihood
    }

    public var needsPictures: Bool { true }

    public func align(_ survivors: SurvivorFeatures, slotCount: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        guard survivors.count > 0 else { throw AlignmentError.emptyInput("no surviving frames") }
        guard survivors.count <= slotCount else { throw AlignmentError.moreFramesThanSlots(frames: survivors.count, slots: slotCount) }
        return try VisualEstimator(gapLikelihood: gapLikelihood)
            .estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount,
                                     visualChange: survivors.count >= 3 ? try survivors.thumbnailChange() : nil))
    }

    /// Places `survivors` (face squares or whole frames, at least 32×32) among `slotCount` slots by the picture alone.
    public func align(survivors: [VideoFrame], slotCount: Int) throws -> PositionEstimate {
        try align(survivors: survivors, slotCount: slotCount, fps: 25, audio: nil)
    }

    /// The k − 1 thumbnail changes of consecutive frames (`VisualChange.thumbnailChange`), thumbnails on both cores.
    public static func thumbnailChange(_ frames: [VideoFrame]) throws -> [Float] {
        try SurvivorFeatureExtractor(thumbnails: true, mouth: nil).features(of: frames).thumbnailChange() ?? []
    }
}
