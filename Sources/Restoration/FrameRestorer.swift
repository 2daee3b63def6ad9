import Features
import Media

// MARK: - Frames on the slot grid

/// A frame placed on the original slot grid: Float32 planes C×H×W (R, G, B) in [0, 1] and its slot index.
///
/// Used both for the surviving neighbours of a gap and for the frames a restorer produces. Convert from and to
/// Media's 8-bit `VideoFrame` with `init(slot:frame:)` and `videoFrame()`; Metrics takes `planes` directly.
public struct SlotFrame: Sendable, Equatable {
    /// Original frame index (slot) of this frame, from 0.
    public let slot: Int
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `3 × height × width` values in [0, 1].
    public var planes: [Float]

    /// Wraps planes; throws `.frameSizeMismatch` when the value count does not match `3 × width × height`.
    public init(slot: Int, width: Int, height: Int, planes: [Float]) throws(RestorationError) {
        guard width > 0, height > 0, planes.count == 3 * width * height else {
            throw .frameSizeMismatch("\(width)×\(height) RGB needs \(max(0, 3 * width * height)) values, got \(planes.count)")
        }
        self.slot = slot
        self.width = width
        self.height = height
        self.planes = planes
    }

    /// A decoded frame placed at `slot`.
    public init(slot: Int, frame: VideoFrame) {
        self.slot = slot
        self.width = frame.width
        self.height = frame.height
        self.planes = frame.planarFloat()
    }

    /// The same picture at another slot (what holding a frame means).
    public func moved(to slot: Int) -> SlotFrame {
        SlotFrame(unchecked: slot, width: width, height: height, planes: planes)
    }

    /// The frame as 8-bit RGB (rounded to nearest, clamped), with `index` = slot and the timestamp of the slot
    /// at `frameRate` when given.
    public func videoFrame(frameRate: Rational? = nil) throws(MediaError) -> VideoFrame {
        let seconds = frameRate.map { Double(slot) / $0.value }
        return try VideoFrame(width: width, height: height, planar: planes, timestamp: seconds, index: slot)
    }

    /// "W×H", for messages.
    var sizeDescription: String { "\(width)×\(height)" }

    private init(unchecked slot: Int, width: Int, height: Int, planes: [Float]) {
        self.slot = slot
        self.width = width
        self.height = height
        self.planes = planes
    }
}

// MARK: - Context

/// What a restorer may know about the clip besides the two neighbours: the slot grid's frame rate and,
/// for audio-driven methods (FE-Net), the per-slot audio segments.
public struct GapContext: Sendable {
    /// Frame rate of the original (undropped) slot grid; slot j is shown at j / frameRate seconds.
    public var frameRate: Rational
    /// Number of slots in the clip, when known.
    public var slotCount: Int?
    /// Audio segments, row j = slot j (`SlotFeatures.make`); nil when the method does not use audio.
    public var slotFeatures: FeatureMatrix? {
        didSet { standardisedAudio = slotFeatures.map(FENetAudio.init) }
    }
    /// `slotFeatures` standardised over the clip once (FE-Net's input), not on every gap.
    public private(set) var standardisedAudio: FENetAudio?
    /// The audio-predicted lip geometry of every slot, for methods guided by it (`fenet-lips`); nil when unknown.
    /// Reading it makes `lipTrackSource`'s track if it was not made yet.
    public var lipTrack: LipTrack? {
        get { lipTrackSource?.value }
        set { lipTrackSource = LazyLipTrack(value: newValue) }
    }
    /// Where `lipTrack` comes from, made on first use.
    public var lipTrackSource: LazyLipTrack?
    /// Finds the mouth in a neighbour frame, for methods guided by the lips; nil: the prior spot.
    public var mouthLocator: MouthLocator?

    public init(frameRate: Rational, slotCount: Int? = nil, slotFeatures: FeatureMatrix? = nil, lipTrack: LipTrack? = nil,
                mouthLocator: MouthLocator? = nil) {
        self.frameRate = frameRate
        self.slotCount = slotCount
        self.slotFeatures = slotFeatures
        self.lipTrackSource = lipTrack.map { track in LazyLipTrack(value: track) }
        self.mouthLocator = mouthLocator
        standardisedAudio = slotFeatures.map(FENetAudio.init)
    }
}

// MARK: - The interface every method implements

/// A method that synthesizes the frames missing between two surviving frames (hold, blend, minterpolate,
/// FE-Net, …).
///
/// `restoreGap` handles one interior gap: neighbours at slots l < r and target slots l < t < r, in increasing
/// order; it returns one frame per target slot, in the same order, each the neighbours' size. Implementations
/// throw `RestorationError` for bad arguments (see `validateGap`) and their own module's typed errors
/// (e.g. `MediaError` from FFmpeg) for failures underneath.
///
/// Callers normally use `fillGap` (which also handles gaps at the clip's start or end, where only one
/// neighbour exists, by holding that neighbour) or `restoreClip` (every gap of a clip, in order).
public protocol FrameRestorer: Sendable {
    /// Short method name for tables and file names ("hold", "blend", "minterpolate", "fenet").
    var name: String { get }

    /// The frames at `slots`, strictly between `left.slot` and `right.slot`.
    func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame]
}

extension FrameRestorer {
    /// One gap with possibly one missing neighbour: with both neighbours this is `restoreGap`; a gap before the
    /// first surviving frame (left nil) repeats the right neighbour, a gap after the last one (right nil) repeats
    /// the left neighbour, whatever the method (no method can interpolate with one side). Throws
    /// `.positionsNotIncreasing` when both are nil or the slots are not strictly inside the gap.
    public func fillGap(left: SlotFrame?, right: SlotFrame?, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        if slots.isEmpty { return [] }
        switch (left, right) {
        case let (l?, r?):
            try validateGap(left: l, right: r, slots: slots)
            let out = try restoreGap(left: l, right: r, slots: slots, context: context)
            guard out.count == slots.count, zip(out, slots).allSatisfy({ $0.slot == $1 }) else {
                throw RestorationError.positionsNotIncreasing(out.map(\.slot))
            }
            return out
        case let (l?, nil):
            try requireIncreasing([l.slot] + slots)
            return slots.map { l.moved(to: $0) }
        case let (nil, r?):
            try requireIncreasing(slots + [r.slot])
            return slots.map { r.moved(to: $0) }
        case (nil, nil):
            throw RestorationError.positionsNotIncreasing(slots)
        }
    }

    /// Restores a whole clip: `survivors` (sorted by slot, distinct) are passed through and every missing slot in
    /// `0 ..< slotCount` is filled, gap by gap, in slot order; `emit` receives every slot's frame exactly once,
    /// in order (so a caller can encode as it goes without holding the clip in memory).
    public func restoreClip(survivors: [SlotFrame], slotCount: Int, context: GapContext,
                            emit: (SlotFrame) throws -> Void) throws {
        guard !survivors.isEmpty else { throw RestorationError.positionsNotIncreasing([]) }
        try requireIncreasing(survivors.map(\.slot))
        guard let first = survivors.first, let last = survivors.last, first.slot >= 0, last.slot < slotCount else {
            throw RestorationError.positionsNotIncreasing(survivors.map(\.slot) + [slotCount])
        }
        for f in try fillGap(left: nil, right: first, slots: Array(0..<first.slot), context: context) { try emit(f) }
        for (i, frame) in survivors.enumerated() {
            try emit(frame)
            let next = i + 1 < survivors.count ? survivors[i + 1] : nil
            let end = next?.slot ?? slotCount
            let gap = Array((frame.slot + 1)..<end)
            for f in try fillGap(left: frame, right: next, slots: gap, context: context) { try emit(f) }
        }
    }

    /// `restoreClip` collected into an array of `slotCount` frames.
    public func restoreClip(survivors: [SlotFrame], slotCount: Int, context: GapContext) throws -> [SlotFrame] {
        var out: [SlotFrame] = []
        out.reserveCapacity(slotCount)
        try restoreClip(survivors: survivors, slotCount: slotCount, context: context) { out.append($0) }
        return out
    }

    /// Checks an interior gap: same-size neighbours, l < slots[0] < … < slots[last] < r.
    public func validateGap(left: SlotFrame, right: SlotFrame, slots: [Int]) throws(RestorationError) {
        guard left.width == right.width, left.height == right.height, left.planes.count == right.planes.count else {
            throw .frameSizeMismatch("\(left.sizeDescription) vs \(right.sizeDescription)")
        }
        try requireIncreasing([left.slot] + slots + [right.slot])
    }
}

/// Throws `.positionsNotIncreasing` unless `slots` is strictly increasing.
func requireIncreasing(_ slots: [Int]) throws(RestorationError) {
    for i in slots.indices.dropFirst() where slots[i] <= slots[i - 1] {
        throw .positionsNotIncreasing(slots)
    }
}
