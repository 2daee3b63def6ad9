import Corpus
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
        let detector = try FaceDetector()
        let decoder = try VideoDecoder(path: path)
        let total = max(1, decoder.stream.declaredFrameCount)
        let step = max(1, total / samples)
        var boxes: [PixelRect] = []
        var first: VideoFrame?
        var i = 0
        while let frame = try decoder.nextFrame() {
            if first == nil { first = frame }
            if i % step == 0, let b = try detector.largestFace(in: frame) { boxes.append(b) }
            i += 1
            if boxes.count >= samples { break }
        }
        guard let frame = first else { throw .decodeFailed(path: path, reason: "no frames") }
        return try square(around: boxes, in: frame)
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
