import Tensor
import Corpus
import Alignment
import Dispatch
import Media

/// Ali-Net inputs cut from decoded clips: the bridge between `PreparedClip` / `VideoFrame` and `AliNetInputs`.
public enum AliNetClipInputs {
    /// Standardised grey mouth crops of `frames` (face crops), `frames.count × mouthSize` values; both cores.
    public static func mouths(_ frames: [VideoFrame], configuration: AliNetConfiguration) throws(AlignmentError) -> [Float] {
        let size = configuration.mouthSize
        let results = UnsafeResults<[Float]>(count: frames.count)
        DispatchQueue.concurrentPerform(iterations: frames.count) { i in
            results.set(i, Result {
                try AliNetInputs.mouth(rgb: frames[i].rgb, width: frames[i].width, height: frames[i].height,
                                       configuration: configuration)
            })
        }
        do {
            var out: [Float] = []
            out.reserveCapacity(frames.count * size)
            for m in try results.values() { out += m }
            return out
        } catch let error as AlignmentError {
            throw error
        } catch {
            throw .invalidSetting("\(error)")
        }
    }

    /// Slot segments of `audio` for `slotCount` slots at `fps`.
    public static func segments(_ audio: AudioTrack?, fps: Double, slotCount: Int,
                                configuration: AliNetConfiguration) throws(AlignmentError) -> [Float] {
        guard let audio else { throw .missingInput("the clip has no audio track; Ali-Net aligns by the audio") }
        guard audio.sampleRate == 16_000 else { throw .invalidSetting("audio at \(audio.sampleRate) Hz; Ali-Net wants 16 kHz") }
        return try AliNetInputs.segments(samples: audio.samples, fps: fps, slotCount: slotCount, configuration: configuration)
    }
}

/// Places survivors with Ali-Net embeddings and one of its retrieval stages (`dp`, `dp-gap`, `dp-prior`, `threshold`,
/// `posterior`, `posterior-visual`). Sees only the survivors and the clip's audio, never the clip's other frames.
public struct AliNetClipAligner: ClipAligner {
    public let name: String
    public let model: AliNetModel
    public let retrieval: AliNetRetrieval

    public init(model: AliNetModel, retrieval: AliNetRetrieval, name: String? = nil) {
        self.model = model
        self.retrieval = retrieval
        self.name = name ?? retrieval.rawValue
    }

    public func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate {
        try align(survivors: survivors, slotCount: slotCount, audio: clip.audio, fps: clip.frameRate.value)
    }

    /// Aligns survivors (face crops) to the `slotCount` slots of `audio` at `fps`.
    public func align(survivors: [VideoFrame], slotCount: Int, audio: AudioTrack?, fps: Double) throws -> PositionEstimate {
        guard !survivors.isEmpty else { throw AlignmentError.emptyInput("no surviving frames") }
        guard survivors.count <= slotCount else { throw AlignmentError.moreFramesThanSlots(frames: survivors.count, slots: slotCount) }
        let c = model.configuration
        let segments = try AliNetClipInputs.segments(audio, fps: fps, slotCount: slotCount, configuration: c)
        let mouths = try AliNetClipInputs.mouths(survivors, configuration: c)
        let change = retrieval.usesVisualChange ? try VisualClipAligner.thumbnailChange(survivors) : nil
        var estimate = try model.align(mouths: mouths, frameCount: survivors.count, segments: segments,
                                       slotCount: slotCount, retrieval: retrieval, faceChange: change)
        estimate.estimator = name
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

    public func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate {
        try align(survivors: survivors, slotCount: slotCount)
    }

    /// Places `survivors` (face crops or whole frames, at least 32×32) among `slotCount` slots.
    public func align(survivors: [VideoFrame], slotCount: Int) throws -> PositionEstimate {
        guard !survivors.isEmpty else { throw AlignmentError.emptyInput("no surviving frames") }
        guard survivors.count <= slotCount else { throw AlignmentError.moreFramesThanSlots(frames: survivors.count, slots: slotCount) }
        let change = survivors.count >= 3 ? try Self.thumbnailChange(survivors) : nil
        return try VisualEstimator(gapLikelihood: gapLikelihood)
            .estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount, visualChange: change))
    }

    /// The k − 1 thumbnail changes of consecutive frames (`VisualChange.thumbnailChange`), thumbnails on both cores.
    public static func thumbnailChange(_ frames: [VideoFrame]) throws -> [Float] {
        let results = UnsafeResults<[Float]>(count: frames.count)
        DispatchQueue.concurrentPerform(iterations: frames.count) { i in
            results.set(i, Result { try VisualChange.thumbnail(rgb: frames[i].rgb, width: frames[i].width, height: frames[i].height) })
        }
        return try VisualChange.thumbnailChange(thumbnails: try results.values())
    }
}
