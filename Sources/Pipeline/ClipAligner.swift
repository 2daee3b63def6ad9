import Corpus
import Alignment
import Media

/// Places the surviving frames of a prepared clip among its slots: the bridge between a clip and an `PositionEstimator`.
///
/// Content-free estimators (`uniform`) need only the counts; audio-visual ones (`dp`, `dp-prior` over Ali-Net
/// embeddings) build their distance matrix from the survivors and the clip's audio. An aligner never sees the
/// true positions.
public protocol ClipAligner: Sendable {
    /// The aligner's name as reports print it.
    var name: String { get }
    /// False for aligners that use only the counts (callers may then pass thumbnails and skip face cropping).
    var usesContent: Bool { get }
    /// Positions of `survivors` (in order) among `slotCount` slots of `clip`.
    func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate
}

extension ClipAligner {
    public var usesContent: Bool { true }
}

/// Spreads the survivors evenly over the slots (the `uniform` baseline).
public struct UniformClipAligner: ClipAligner {
    public let name = EstimatorKind.uniform.rawValue
    public var usesContent: Bool { false }
    public init() {}

    public func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate {
        try UniformEstimator().estimate(AlignmentInput(frameCount: survivors.count, slotCount: slotCount))
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
