import Alignment
import Foundation
import Media
import Phonetics
import Tensor

/// The fused aligner on decoded clips (`FusedPosteriorEstimator`): phones → expected lip geometry per slot
/// (`LipGeometryModel`), the survivors' landmark geometry, Ali-Net's distances and the picture change between
/// survivors, with EM speaker adaptation.
///
/// - `posterior-lips`: all three cues.
/// - `lips-visual`: lip geometry and the picture change, without Ali-Net's distances.
///
/// Falls back to the terms it can use, and says so in one line on stderr (once per reason and process): no
/// lip-geometry model, pocketsphinx missing, no speech in the audio, no face in the survivors, no Ali-Net model.
public struct LipsClipAligner: ClipAligner {
    public let name: String
    public let lips: LipGeometryModel?
    public let aliNet: AliNetModel?
    public let calibration: LipsCalibration
    public let geometry: LipGeometrySource?
    public let recognizer: PhoneRecognizer
    /// Slot cues of the clips seen, by clip path and slot count (phones are decoded once per clip, not per drop).
    let cache = CueCache()

    /// Below this share of speech slots the audio holds no speech for the geometry term.
    public static let minimumSpeechShare = 0.05

    public init(name: String, lips: LipGeometryModel?, aliNet: AliNetModel?, geometry: LipGeometrySource?,
                calibration: LipsCalibration? = nil, recognizer: PhoneRecognizer = PhoneRecognizer()) {
        self.name = name
        self.lips = lips
        self.aliNet = aliNet
        self.geometry = geometry
        self.calibration = calibration ?? lips.flatMap(LipsCalibration.stored(in:)) ?? LipsCalibration()
        self.recognizer = recognizer
    }

    public func align(survivors: [VideoFrame], slotCount: Int, clip: PreparedClip) throws -> PositionEstimate {
        try align(survivors: survivors, slotCount: slotCount, audio: clip.audio, fps: clip.frameRate.value, key: clip.clip.path)
    }

    /// Aligns survivors (face crops) to the `slotCount` slots of `audio` at `fps`; `key` names the audio for the
    /// cue cache.
    public func align(survivors: [VideoFrame], slotCount n: Int, audio: AudioTrack?, fps: Double, key: String) throws -> PositionEstimate {
        guard !survivors.isEmpty else { throw AlignmentError.emptyInput("no surviving frames") }
        guard survivors.count <= n else { throw AlignmentError.moreFramesThanSlots(frames: survivors.count, slots: n) }
        let expected = expectedGeometry(audio: audio, fps: fps, slotCount: n, key: key)
        var cue: LipGeometryCue?
        if let expected, let lips, calibration.geometryWeight > 0 {
            if let geometry {
                let observed = geometry.measure(survivors)
                let found = observed.compactMap { $0 }.count
                if found >= 3 {
                    cue = try LipGeometryCue(observed: observed, expected: expected, slotCount: n,
                                             dimension: lips.configuration.outputs, initialVariance: calibration.initialVariance)
                } else {
                    Notice.once("\(name): no face found in most survivors of a clip (fewer than 3 with landmarks); aligning it without the lip-geometry term")
                }
            } else {
                Notice.once("\(name): no landmark detector; aligning without the lip-geometry term")
            }
        }
        var distances: DistanceMatrix?
        var aliNetCalibration: AliNetCalibration?
        if name != "lips-visual" {
            if let aliNet, let audio {
                let c = aliNet.configuration
                let segments = try AliNetClipInputs.segments(audio, fps: fps, slotCount: n, configuration: c)
                let mouths = try AliNetClipInputs.mouths(survivors, configuration: c)
                distances = try aliNet.distances(mouths: mouths, frameCount: survivors.count, segments: segments, slotCount: n)
                aliNetCalibration = aliNet.calibration
            } else if aliNet == nil {
                Notice.once("\(name): no Ali-Net model; aligning without its audio–mouth distances")
            }
        }
        let change = survivors.count >= 3 ? try VisualClipAligner.thumbnailChange(survivors) : nil
        let estimator = calibration.estimator(aliNet: aliNetCalibration ?? aliNet?.calibration, geometry: cue, name: name)
        var fused = estimator
        if distances == nil { fused.audioWeight = 0 }
        return try fused.estimate(AlignmentInput(frameCount: survivors.count, slotCount: n, distances: distances, visualChange: change))
    }

    /// The model's expected geometry of every slot, or nil (with a one-line notice) when it cannot be had.
    func expectedGeometry(audio: AudioTrack?, fps: Double, slotCount n: Int, key: String) -> [Float]? {
        guard let lips else {
            Notice.once("\(name): no lip-geometry model (SampleData/models/lips.safetensors); aligning without the lip-geometry term")
            return nil
        }
        guard let audio, audio.sampleRate == 16_000 else {
            Notice.once("\(name): no 16 kHz audio; aligning without the lip-geometry term")
            return nil
        }
        let cues: SlotAudioCues
        do {
            cues = try cache.cues(key: "\(key)#\(n)#\(fps)") {
                try SlotAudioCues.make(samples: audio.samples, fps: fps, slotCount: n, recognizer: recognizer)
            }
        } catch {
            Notice.once("\(name): \(error); aligning without the lip-geometry term")
            return nil
        }
        guard cues.speechShare >= Self.minimumSpeechShare else {
            Notice.once("\(name): no speech found in the audio of \((key as NSString).lastPathComponent); aligning without the lip-geometry term")
            return nil
        }
        do {
            return try lips.predict(cues)
        } catch {
            Notice.once("\(name): \(error); aligning without the lip-geometry term")
            return nil
        }
    }
}

/// Slot cues by key, computed once (thread-safe).
final class CueCache: @unchecked Sendable {
    private var cues: [String: SlotAudioCues] = [:]
    private let lock = NSLock()

    func cues(key: String, make: () throws -> SlotAudioCues) throws -> SlotAudioCues {
        lock.lock()
        if let known = cues[key] { lock.unlock(); return known }
        lock.unlock()
        let made = try make()
        lock.lock()
        cues[key] = made
        lock.unlock()
        return made
    }
}

/// One-line notices on stderr, each text at most once per process.
enum Notice {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var said: Set<String> = []

    static func once(_ line: String) {
        lock.lock()
        let new = said.insert(line).inserted
        lock.unlock()
        if new { Progress.log(line) }
    }
}
