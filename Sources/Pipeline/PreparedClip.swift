import Corpus
import Foundation
import Media

/// How a clip's frames are cut and sized before evaluation or training.
public struct ClipPreparation: Sendable, Codable, Equatable {
    /// Where the square crop comes from.
    public enum Crop: String, Sendable, Codable, CaseIterable {
        /// A square around the face, one box for the whole clip (see `FaceCrop`).
        case face
        /// The centred square.
        case center
        /// The whole frame, not cropped (and resized only when `size` is set and the frame is not square).
        case none
    }

    public var crop: Crop
    /// Side of the square frames the engine works on (the paper: 256).
    public var size: Int
    /// Keep at most this many frames from the start (nil: all).
    public var maxFrames: Int?

    public init(crop: Crop = .face, size: Int = 256, maxFrames: Int? = nil) {
        self.crop = crop
        self.size = size
        self.maxFrames = maxFrames
    }
}

/// A clip decoded and prepared for the engine: its frames (cropped and resized), its 16 kHz audio, its frame rate.
///
/// Frame i is slot i of the original clip. Short clips only: everything is held in memory (a 10 s clip at 256² is
/// about 50 MB).
public struct PreparedClip: Sendable {
    public var clip: Clip
    public var frames: [VideoFrame]
    /// Mono 16 kHz audio, nil when the clip has none.
    public var audio: AudioTrack?
    public var frameRate: Rational
    /// The crop taken from the source frames, in source pixels (nil for `.none`).
    public var cropBox: PixelRect?

    public init(clip: Clip, frames: [VideoFrame], audio: AudioTrack?, frameRate: Rational, cropBox: PixelRect? = nil) {
        self.clip = clip
        self.frames = frames
        self.audio = audio
        self.frameRate = frameRate
        self.cropBox = cropBox
    }

    /// Decodes `clip` and prepares its frames. Throws when the clip has fewer than 3 frames.
    public static func load(_ clip: Clip, preparation: ClipPreparation) throws(CorpusError) -> PreparedClip {
        guard preparation.size >= 16, preparation.size <= 4096 else {
            throw .invalidSetting("frame size \(preparation.size) must be between 16 and 4096")
        }
        do {
            let probe = try VideoDecoder(path: clip.path)
            let w = probe.stream.width, h = probe.stream.height
            var box: PixelRect?
            switch preparation.crop {
            case .none: box = nil
            case .center:
                let side = min(w, h)
                box = PixelRect(x: (w - side) / 2, y: (h - side) / 2, width: side, height: side)
            case .face:
                box = try FaceCrop.box(forClipAt: clip.path)
            }
            let size: (width: Int, height: Int)? = box != nil || w == h ? (preparation.size, preparation.size) : nil
            let decoder = try VideoDecoder(path: clip.path, options: DecodeOptions(crop: box, size: size))
            var frames: [VideoFrame] = []
            while let f = try decoder.nextFrame() {
                frames.append(f)
                if let m = preparation.maxFrames, frames.count >= m { break }
            }
            guard frames.count >= 3 else { throw CorpusError.invalidSetting("\(clip.path) has \(frames.count) frame(s); at least 3 are needed") }
            let audio = try optionalAudio(clip.path)
            var rate = probe.stream.frameRate
            if rate.numerator <= 0 || rate.denominator <= 0 { rate = Rational(25, 1) }
            return PreparedClip(clip: clip, frames: frames, audio: audio, frameRate: rate, cropBox: box)
        } catch let error as MediaError {
            throw .media(error)
        } catch let error as CorpusError {
            throw error
        } catch {
            throw .io(path: clip.path, reason: "\(error)")
        }
    }

    /// The clip's 16 kHz audio, or nil when it has no audio stream.
    static func optionalAudio(_ path: String) throws -> AudioTrack? { try SlotAudio.decodeTrack(path: path) }

    /// The clip's audio on its slot grid (frame i = slot i).
    public func slotAudio() -> SlotAudio { SlotAudio(track: audio, fps: frameRate.value, slotCount: frames.count) }
}
