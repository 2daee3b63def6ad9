import Media

/// One square face crop for a whole clip: the box the evaluation, training and restore frames are cut with.
///
/// A fixed box (rather than one that follows the face frame by frame) keeps the crop itself from adding motion that a
/// restorer would have to reproduce; talking heads move little within a clip. The box is the median of the largest
/// face found in up to 12 frames spread over the clip, made into the crop square by `FaceCropper`'s geometry
/// (enlarged 1.4×, shifted down, kept inside the frame).
public enum FaceCrop {
    /// The crop square for the clip at `path`; the centred square when no face is found.
    public static func box(forClipAt path: String, samples: Int = 12) throws(MediaError) -> PixelRect {
        let decoder = try VideoDecoder(path: path)
        var sampler = try FaceBoxSampler(expectedFrames: decoder.stream.declaredFrameCount, samples: samples)
        while !sampler.isComplete, let frame = try decoder.nextFrame() { try sampler.offer(frame) }
        guard let box = try sampler.box() else { throw .decodeFailed(path: path, reason: "no frames") }
        return box
    }

    /// The crop square for a clip already decoded into `frames` (the same search as `box(forClipAt:)` over them,
    /// without decoding it again); the centred square when no face is found.
    public static func box(of frames: [VideoFrame], samples: Int = 12) throws(MediaError) -> PixelRect {
        var sampler = try FaceBoxSampler(expectedFrames: frames.count, samples: samples)
        for frame in frames where !sampler.isComplete { try sampler.offer(frame) }
        guard let box = try sampler.box() else { throw .invalidArgument("no frames to find a face in") }
        return box
    }

    /// The crop square around the median of `boxes` in `frame`'s geometry (the centred square for no boxes).
    public static func square(around boxes: [PixelRect], in frame: VideoFrame) throws(MediaError) -> PixelRect {
        let cropper = try FaceCropper(mode: .none)
        guard !boxes.isEmpty else { return try cropper.cropSquare(for: frame) }
        func median(_ v: [Int]) -> Int { v.sorted()[v.count / 2] }
        let w = median(boxes.map(\.width)), h = median(boxes.map(\.height))
        let cx = median(boxes.map { $0.x + $0.width / 2 }), cy = median(boxes.map { $0.y + $0.height / 2 })
        return cropper.square(around: PixelRect(x: cx - w / 2, y: cy - h / 2, width: w, height: h), in: frame)
    }
}

/// The face-box search of `FaceCrop` fed frame by frame, so a pass that decodes the clip for another reason (the
/// restore job's first pass) finds the box on the way instead of decoding the clip again.
public struct FaceBoxSampler {
    private let detector: FaceDetector
    private let samples: Int
    private let step: Int
    private var index = 0
    private var boxes: [PixelRect] = []
    private var first: VideoFrame?

    /// A search over a clip of about `expectedFrames` frames (its declared count) that looks at every
    /// (expectedFrames / samples)-th frame until `samples` faces are found.
    public init(expectedFrames: Int, samples: Int = 12) throws(MediaError) {
        detector = try FaceDetector()
        self.samples = max(1, samples)
        step = max(1, max(1, expectedFrames) / self.samples)
    }

    /// True once enough faces were found: later frames change nothing.
    public var isComplete: Bool { boxes.count >= samples }

    /// Looks at the next frame of the clip (frames must come in order).
    public mutating func offer(_ frame: VideoFrame) throws(MediaError) {
        if first == nil { first = frame }
        if !isComplete, index % step == 0, let b = try detector.largestFace(in: frame) { boxes.append(b) }
        index += 1
    }

    /// The crop square (`FaceCrop.square`), nil when no frame was offered.
    public func box() throws(MediaError) -> PixelRect? {
        guard let first else { return nil }
        return try FaceCrop.square(around: boxes, in: first)
    }
}
