import Corpus
import Dispatch
import Foundation
import Landmarks
import Media
import Phonetics
import Restoration
import Tensor

/// What FE-Net's lip guidance (`fenet-lips`, `FENetGuidance`) needs from the engine, made once per process: the
/// audio-predicted lip geometry of a clip's slots (phones → `LipGeometryModel`) and the mouth of a neighbour frame
/// (dlib's landmarks on the face crop). Restore, evaluate, the inspector and training all get their guidance here.
///
/// Every part falls back on its own and says so in one line (once per reason and process): no lip model or no speech
/// gives no track (the network then sees the mouth's place only), no landmark model or no face gives the prior spot.
public final class LipGuidanceSource: @unchecked Sendable {
    public let lips: LipGeometryModel?
    public let recognizer: PhoneRecognizer
    let detector: LandmarkDetector?
    let cache = CueCache()

    public init(lips: LipGeometryModel?, recognizer: PhoneRecognizer = PhoneRecognizer(),
                landmarksModelPath: String = LandmarkDetector.defaultModelPath) {
        self.lips = lips
        self.recognizer = recognizer
        detector = try? LandmarkDetector.shared(modelPath: landmarksModelPath)
    }

    /// The source with the lip model `locator` finds (none, with a notice, when there is none or it does not load).
    public static func make(locator: ModelLocator) -> LipGuidanceSource {
        var lips: LipGeometryModel?
        if let path = locator.lipsModelPath() {
            do { lips = try LipGeometryModel.load(path: path) } catch {
                Notice.once("fenet-lips: \(path) is not a lip-geometry model (\(error)); restoring with the mouth's place only")
            }
        } else {
            Notice.once("fenet-lips: no lip-geometry model (\(ModelLocator.lipsModelName)); restoring with the mouth's place only")
        }
        return LipGuidanceSource(lips: lips, recognizer: locator.phoneRecognizer())
    }

    /// One source per lip-model file and process, so a clip's phones are decoded once for every seed and face.
    public static func shared(locator: ModelLocator) -> LipGuidanceSource {
        let key = locator.lipsModelPath() ?? ""
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let known = sharedSources[key] { return known }
        let made = make(locator: locator)
        sharedSources[key] = made
        return made
    }

    nonisolated(unsafe) private static var sharedSources: [String: LipGuidanceSource] = [:]
    private static let sharedLock = NSLock()

    // MARK: - The audio's lip track

    /// The expected lip geometry of every slot of `audio`, or nil (with a one-line notice) when it cannot be had.
    public func lipTrack(audio: SlotAudio?) -> LipTrack? {
        guard let lips else { return nil }
        guard let audio, audio.hasTrack, audio.slotCount > 0 else {
            Notice.once("fenet-lips: a clip has no audio; restoring it with the mouth's place only")
            return nil
        }
        do {
            let cues = try cache.cues(key: audio.identity) { try audio.cues(recognizer: recognizer) }
            guard cues.speechShare >= LipsClipAligner.minimumSpeechShare else {
                Notice.once("fenet-lips: no speech found in a clip's audio; restoring it with the mouth's place only")
                return nil
            }
            return try LipTrack(slotCount: audio.slotCount, values: try lips.predict(cues))
        } catch {
            Notice.once("fenet-lips: \(error); restoring with the mouth's place only")
            return nil
        }
    }

    /// The oracle track of a clip whose every frame is known: the landmarks' own lip geometry of each face crop,
    /// standardised over the clip like the lip model's targets (frames without a face get the clip's mean, 0). Not a
    /// restoration input — a missing frame's landmarks are what restoration lacks — but the upper bound of what a
    /// perfect audio→geometry model could give the guidance (`evaluate --lip-track oracle`, `train-restore
    /// --lip-track oracle`); nil when no landmark model is installed or no face is found at all.
    public func oracleTrack(in crops: [VideoFrame]) -> LipTrack? {
        oracleTrack(landmarks: landmarks(in: crops))
    }

    /// The oracle track of frames whose landmarks are `landmarks` (one per frame, nil where none were found).
    public func oracleTrack(landmarks: [FaceLandmarks?]) -> LipTrack? {
        let d = LipTrack.dimension
        let rows = landmarks.map { l in l.flatMap { try? $0.lipGeometry().vector }.flatMap { $0.allSatisfy(\.isFinite) ? $0 : nil } }
        let known = rows.indices.filter { rows[$0] != nil }
        guard !known.isEmpty else { return nil }
        let standardised = SlotAudioCues.standardisedColumns(known.flatMap { rows[$0] ?? [] }, rows: known.count, columns: d)
        var out = [Float](repeating: 0, count: rows.count * d)
        for (j, i) in known.enumerated() { out.replaceSubrange((i * d)..<((i + 1) * d), with: standardised[(j * d)..<((j + 1) * d)]) }
        return try? LipTrack(slotCount: rows.count, values: out)
    }

    // MARK: - Where the mouth is

    /// The landmarks of every face crop (nil where none), on both cores; none at all without a landmark model.
    public func landmarks(in crops: [VideoFrame]) -> [FaceLandmarks?] {
        guard let detector else { return crops.map { _ in nil } }
        let results = UnsafeResults<FaceLandmarks?>(count: crops.count)
        DispatchQueue.concurrentPerform(iterations: crops.count) { i in
            results.set(i, .success(try? detector.landmarks(inFaceCrop: crops[i])))
        }
        return (try? results.values()) ?? crops.map { _ in nil }
    }

    /// The mouth of the face in a face crop, nil when no landmark model is installed or no face is found.
    public func mouthSpot(in crop: VideoFrame) -> MouthSpot? {
        guard let detector, let landmarks = try? detector.landmarks(inFaceCrop: crop) else { return nil }
        return Self.mouthSpot(landmarks, width: crop.width, height: crop.height)
    }

    /// The mouths of `crops` (from their `landmarks(in:)`).
    public func mouthSpots(in crops: [VideoFrame]) -> [MouthSpot?] {
        zip(landmarks(in: crops), crops).map { l, crop in l.flatMap { Self.mouthSpot($0, width: crop.width, height: crop.height) } }
    }

    /// A restorer's mouth locator (neighbour frames are face crops), nil without a landmark model.
    ///
    /// Each locator remembers the last few crops it searched, by their pixels: an interior survivor is the right
    /// neighbour of one gap and the left of the next, and is searched once, not twice. Keyed by content, not by
    /// slot, so it stays right when several aligners put different survivors at one slot (the inspector).
    public var mouthLocator: MouthLocator? {
        guard detector != nil else {
            Notice.once("fenet-lips: no landmark detector (scripts/setup.sh installs libdlib-data); the mouth is placed where it is on average")
            return nil
        }
        let memo = MouthSpotMemo()
        return { [self] frame in
            guard let crop = try? frame.videoFrame() else { return nil }
            return memo.spot(of: crop) { self.mouthSpot(in: crop) }
        }
    }

    /// The spot of `landmarks` in a frame of `width`×`height`: the centre of the 20 mouth points, radius 0.75 of the
    /// mouth's width (corner to corner), so the mask covers the lips, teeth and the chin's motion.
    public static func mouthSpot(_ landmarks: FaceLandmarks, width: Int, height: Int) -> MouthSpot? {
        let centre = LandmarkPoint.mean(landmarks.mouthPoints)
        let mouthWidth = landmarks.points[48].distance(to: landmarks.points[54])
        let spot = MouthSpot(x: centre.x / Float(max(width, 1)), y: centre.y / Float(max(height, 1)),
                             radius: 0.75 * mouthWidth / Float(max(min(width, height), 1)))
        return spot.isPlausible ? spot : nil
    }
}

// MARK: - Gap contexts

extension RestorerFactory {
    /// The lip guidance source of this factory's models when any of `methods` is guided at the mouth, else nil.
    public func lipGuidance(for methods: [String]) -> LipGuidanceSource? {
        methods.contains(where: RestorerCatalog.usesLipGuidance) ? LipGuidanceSource.shared(locator: locator) : nil
    }
}

extension GapContext {
    /// The context of a clip's gaps: frame rate, slots, the audio's restoration rows and, when any of `methods` is
    /// guided at the mouth (`RestorerCatalog.usesLipGuidance`), the lip track and the mouth locator from `guidance`.
    public static func make(frameRate: Rational, slotCount: Int, audio: SlotAudio?, methods: [String],
                            guidance: LipGuidanceSource?) throws -> GapContext {
        var context = GapContext(frameRate: frameRate, slotCount: slotCount, slotFeatures: try audio?.restorationRows())
        if methods.contains(where: RestorerCatalog.usesLipGuidance), let guidance {
            // Made when a guided method first restores a gap of the clip (phones are decoded then, not here).
            context.lipTrackSource = LazyLipTrack { guidance.lipTrack(audio: audio) }
            context.mouthLocator = guidance.mouthLocator
        }
        return context
    }
}
