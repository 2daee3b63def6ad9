import Corpus
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
    /// Slot cues of the audio seen, by its samples and grid (phones are decoded once per clip, not per drop).
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

    public var needsPictures: Bool { true }
    /// The estimator's name in the positions it returns: `aligner` (the catalog's best) is the fused posterior.
    public var estimatorName: String { name == "aligner" ? "posterior-lips" : name }
    public var mouthConfiguration: AliNetConfiguration? { name == "lips-visual" ? nil : aliNet?.configuration }
    public var lipGeometrySource: LipGeometrySource? { lips == nil ? nil : geometry }

    public func align(_ survivors: SurvivorFeatures, slotCount n: Int, fps: Double, audio: SlotAudio?) throws -> PositionEstimate {
        let k = survivors.count
        guard k > 0 else { throw AlignmentError.emptyInput("no surviving frames") }
        guard k <= n else { throw AlignmentError.moreFramesThanSlots(frames: k, slots: n) }
        let expected = expectedGeometry(audio: audio, fps: fps, slotCount: n)
        var cue: LipGeometryCue?
        if let expected, let lips, calibration.geometryWeight > 0 {
            if let observed = survivors.lipGeometry, observed.count == k {
                if observed.compactMap({ $0 }).count >= 3 {
                    cue = try LipGeometryCue(observed: observed, expected: expected, slotCount: n,
                                             dimension: lips.configuration.outputs, initialVariance: calibration.initialVariance,
                                             whitening: lips.whitening)
                } else {
                    Notice.once("\(name): no face found in most survivors of a clip (fewer than 3 with landmarks); aligning it without the lip-geometry term")
                }
            } else {
                Notice.once("\(name): no landmark detector (scripts/setup.sh installs libdlib-data); aligning without the lip-geometry term")
            }
        }
        var distances: DistanceMatrix?
        if name != "lips-visual", calibration.audioFactor > 0 {
            if let aliNet, let audio, audio.slotCount == n, let mouths = survivors.mouths {
                let segments = try audio.aliNetSegments(aliNet.configuration)
                distances = try aliNet.distances(mouths: mouths, frameCount: k, segments: segments, slotCount: n)
            } else if aliNet == nil {
                Notice.once("\(name): no Ali-Net model; aligning without its audio–mouth distances")
            }
        }
        let change = k >= 3 ? try survivors.thumbnailChange() : nil
        var fused = calibration.estimator(aliNet: aliNet?.calibration, geometry: cue, name: estimatorName)
        if distances == nil { fused.audioWeight = 0 }
        return try fused.estimate(AlignmentInput(frameCount: k, slotCount: n, distances: distances, visualChange: change))
    }

    /// The model's expected geometry of every slot, or nil (with a one-line notice) when it cannot be had.
    func expectedGeometry(audio slotAudio: SlotAudio?, fps: Double, slotCount n: Int) -> [Float]? {
        guard let lips else {
            Notice.once("\(name): no lip-geometry model (SampleData/models/lips.safetensors); aligning without the lip-geometry term")
            return nil
        }
        guard let slotAudio, slotAudio.hasTrack, slotAudio.slotCount == n else {
            Notice.once("\(name): no audio on the clip's grid; aligning without the lip-geometry term")
            return nil
        }
        let cues: SlotAudioCues
        do {
            cues = try cache.cues(key: slotAudio.identity) {
                try slotAudio.cues(recognizer: recognizer)
            }
        } catch {
            Notice.once("\(name): \(error); aligning without the lip-geometry term")
            return nil
        }
        guard cues.speechShare >= Self.minimumSpeechShare else {
            Notice.once("\(name): no speech found in a clip's audio; aligning it without the lip-geometry term")
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

/// Slot cues by the audio's `SlotAudio.identity` (its samples or file, and its grid), computed once (thread-safe).
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
