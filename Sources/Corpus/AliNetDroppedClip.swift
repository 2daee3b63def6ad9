import Alignment
import Foundation
import Media

/// A video that lost frames, read for alignment: its surviving frames (face-cropped), its complete audio and the
/// slot grid the audio defines (n = round(audio duration × fps)).
public struct DroppedClip: Sendable {
    /// The survivors as a prepared clip (frames = survivors, in order).
    public var prepared: PreparedClip
    /// Frame rate of the original slots.
    public var fps: Double
    /// n.
    public var slotCount: Int

    public var survivors: [VideoFrame] { prepared.frames }

    /// Decodes `path`. `fps` overrides the stream's nominal rate, `slots` the slot count from the audio.
    /// Throws `AlignmentError.missingInput` without audio, `.audioShorterThanVideo` when the audio ends more than one
    /// slot before the last frame's timestamp, `.moreFramesThanSlots` when the survivors outnumber the slots.
    public static func load(path: String, fps: Double? = nil, slots: Int? = nil,
                            preparation: ClipPreparation = ClipPreparation()) throws -> DroppedClip {
        let clip = Clip(path: path, relativePath: URL(fileURLWithPath: path).lastPathComponent, person: "unknown")
        var prepared = try PreparedClip.load(clip, preparation: preparation)
        if let fps {
            guard fps.isFinite, fps > 0, fps < 1000 else { throw AlignmentError.invalidSetting("frame rate \(fps)") }
            prepared.frameRate = Rational(Int((fps * 1000).rounded()), 1000)
        }
        let rate = fps ?? prepared.frameRate.value
        guard let audio = prepared.audio, !audio.samples.isEmpty else {
            throw AlignmentError.missingInput("\(path) has no audio track; the slots of the original video come from its audio")
        }
        let k = prepared.frames.count
        let lastTime = prepared.frames.last?.timestamp.map { $0 + 1 / rate } ?? Double(k) / rate
        if audio.duration + 1 / rate < lastTime {
            throw AlignmentError.audioShorterThanVideo(audio: audio.duration, video: lastTime)
        }
        let n: Int
        if let slots {
            // The audio gives every slot its features: far more slots than it covers is a mistake, and k × n distances
            // of an Int.max slot count ask for unbounded memory.
            let fromAudio = Int((audio.duration * rate).rounded())
            guard slots > 0, slots <= max(2 * fromAudio, k + 1), slots <= TruthFile.maxFrameCount else {
                throw AlignmentError.invalidSetting("slot count \(slots): the audio of \(path) covers \(fromAudio) slots at \(String(format: "%.3f", rate)) fps (at most twice that is accepted)")
            }
            n = slots
        } else {
            n = Int((audio.duration * rate).rounded())
        }
        guard k <= n else { throw AlignmentError.moreFramesThanSlots(frames: k, slots: n) }
        return DroppedClip(prepared: prepared, fps: rate, slotCount: n)
    }

    /// Positions of the survivors by `aligner`.
    public func align(with aligner: any ClipAligner) throws -> PositionEstimate {
        try aligner.align(survivors: survivors, slotCount: slotCount, clip: prepared)
    }
}
