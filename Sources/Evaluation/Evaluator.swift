import Tensor
import Pipeline
import Corpus
import Dispatch
import Features
import Foundation
import Landmarks
import Media
import Metrics
import Restoration

/// What one evaluation run does to every clip.
public struct EvaluationSettings: Sendable, Codable, Equatable {
    /// Drop process; its seed is the first seed, the others follow (seed, seed + 1, …).
    public var drop: DropSettings
    /// Drop patterns per clip.
    public var seeds: Int
    public var preparation: ClipPreparation
    public var convention: MetricConvention
    /// "truth", or the name of the aligner that estimates positions.
    public var positions: String
    /// True: each clip's drop seed has the clip's name mixed in (`DropSettings.forClip`), so clips of equal length
    /// get different patterns. Nil in the settings of state folders written before that rule (they keep their
    /// patterns, so their stored results still match).
    public var perClipDrops: Bool?

    public init(drop: DropSettings, seeds: Int = 1, preparation: ClipPreparation = ClipPreparation(),
                convention: MetricConvention = .standard, positions: String = "truth", perClipDrops: Bool? = true) {
        self.perClipDrops = perClipDrops
        self.drop = drop
        self.seeds = seeds
        self.preparation = preparation
        self.convention = convention
        self.positions = positions
    }
}

/// One method's scores on one drop pattern of one clip: means over the restored frames only.
public struct MethodScore: Sendable, Codable, Equatable {
    public var method: String
    /// Mean scores over every dropped slot.
    public var all: QualitySummary
    /// Mean scores over the dropped slots with speech (nil when the clip has no audio or no speech slot was dropped).
    public var speech: QualitySummary?
    /// Wall-clock seconds spent restoring (not scoring).
    public var seconds: Double
    /// Mouth-box PSNR/SSIM and LMD (nil unless the evaluator has a landmark detector).
    public var mouth: MouthScores? = nil
    /// Restored frames holding NaN or ±∞ before conversion to 8 bits (nil when none): a broken model, flagged in
    /// the report rather than scored as a plausible-looking PSNR.
    public var nonFiniteFrames: Int?
}

/// Every method's scores on one drop pattern of one clip.
public struct ClipResult: Sendable, Codable, Equatable {
    public var clip: String
    public var person: String
    public var seed: UInt64
    /// n: slots of the original clip.
    public var slotCount: Int
    /// k: surviving frames.
    public var survivors: Int
    /// Position bias of the positions used (nil when the truth was used).
    public var positionBias: PositionBias?
    public var methods: [MethodScore]
    /// Why some frames have no mouth scores (no face or landmarks found), when that happened.
    public var mouthNote: String? = nil

    /// A stable key for resuming: the clip and the seed.
    public var key: String { "\(clip)#\(seed)" }
}

/// Drops frames from prepared clips, restores them with every method, and scores the restored frames against the
/// originals (the engine of `dropfill evaluate`).
public struct Evaluator: Sendable {
    public var settings: EvaluationSettings
    public var restorers: [any FrameRestorer]
    /// Nil when `settings.positions` is "truth".
    public var aligner: (any ClipAligner)?
    /// When set, every method is also scored on the mouth (`MouthReference`): mouth-box PSNR/SSIM and LMD.
    public var mouthDetector: LandmarkDetector?
    /// The lip guidance of methods guided at the mouth (`fenet-lips`); nil: those methods see the prior mouth spot only.
    public var lipGuidance: LipGuidanceSource?
    /// Guide with the true frames' own landmark geometry instead of the audio's (`LipGuidanceSource.oracleTrack`): the
    /// upper bound of what the guidance can buy; the guided methods' rows are then named `METHOD+oracle`.
    public var oracleLipTrack = false

    /// The name a restorer's rows get (`METHOD+oracle` for a guided method with the oracle track).
    public static func label(of method: String, oracle: Bool) -> String {
        oracle && RestorerCatalog.usesLipGuidance(method) ? method + "+oracle" : method
    }

    public init(settings: EvaluationSettings, restorers: [any FrameRestorer], aligner: (any ClipAligner)? = nil) {
        self.settings = settings
        self.restorers = restorers
        self.aligner = aligner
    }

    /// Scores one prepared clip under drop seed `seed`.
    public func evaluate(_ clip: PreparedClip, seed: UInt64) throws -> ClipResult {
        let n = clip.frames.count
        var drop = settings.drop
        drop.seed = seed
        // Clips of equal length get their own patterns (the clip's name is mixed into the seed).
        let mask = try DropSimulation.keepMask(frameCount: n, settings: settings.perClipDrops == true ? drop.forClip(clip.clip.relativePath) : drop)
        let truth = DropSimulation.survivingPositions(mask)
        let survivorsFrames = truth.map { clip.frames[$0] }
        var positions = truth
        var bias: PositionBias?
        let audio = clip.slotAudio()
        if let aligner {
            let estimate = try aligner.align(survivors: survivorsFrames, slotCount: n, fps: clip.frameRate.value, audio: audio)
            bias = try PositionBias(predicted: estimate.positions, truth: truth)
            positions = estimate.monotone(slotCount: n)
        }
        let survivors = zip(positions, survivorsFrames).map { SlotFrame(slot: $0, frame: $1) }
        let dropped = (0..<n).filter { !mask[$0] }
        let speechSlots = Set(SpeechActivity.speechSlots(audio: clip.audio, fps: clip.frameRate.value, slotCount: n))
        let reference = try dropped.map { try PlanarImage(width: clip.frames[$0].width, height: clip.frames[$0].height, rgb8: clip.frames[$0].rgb) }
        var context = try GapContext.make(frameRate: clip.frameRate, slotCount: n, audio: audio, methods: restorers.map(\.name),
                                          guidance: lipGuidance)
        if oracleLipTrack, let lipGuidance { context.lipTrack = lipGuidance.oracleTrack(in: clip.frames) }

        let mouth = try mouthDetector.map { MouthReference(frames: clip.frames, detector: $0, faces: try FaceDetector()) }
        var scores: [MethodScore] = []
        for restorer in restorers {
            let start = DispatchTime.now().uptimeNanoseconds
            let restored = try restorer.restoreClip(survivors: survivors, slotCount: n, context: context)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let perFrame = try score(restored: dropped.map { restored[$0] }, reference: reference)
            let speechScores = zip(dropped, perFrame).filter { speechSlots.contains($0.0) }.map(\.1)
            let mouthScores = try mouth.map { m in
                try m.scores(restored: dropped.map { restored[$0] }, slots: dropped, reference: reference,
                             detector: m.detector, convention: settings.convention)
            }
            let nonFinite = dropped.filter { restored[$0].planes.contains { !$0.isFinite } }.count
            scores.append(MethodScore(method: Self.label(of: restorer.name, oracle: oracleLipTrack), all: try QualitySummary(perFrame),
                                      speech: speechScores.isEmpty ? nil : try QualitySummary(speechScores), seconds: seconds,
                                      mouth: mouthScores, nonFiniteFrames: nonFinite > 0 ? nonFinite : nil))
        }
        return ClipResult(clip: clip.clip.relativePath, person: clip.clip.person, seed: seed, slotCount: n,
                          survivors: truth.count, positionBias: bias, methods: scores, mouthNote: mouth?.note)
    }

    /// Per-frame scores, computed on both cores.
    private func score(restored: [SlotFrame], reference: [PlanarImage]) throws -> [QualityScores] {
        let convention = settings.convention
        let results = UnsafeResults<QualityScores>(count: restored.count)
        DispatchQueue.concurrentPerform(iterations: restored.count) { i in
            results.set(i, Result {
                let image = try PlanarImage(width: restored[i].width, height: restored[i].height, pixels: restored[i].planes)
                return try ImageQuality.scores(image, reference[i], convention: convention, psnrCap: 100)
            })
        }
        return try results.values()
    }
}

/// Which slots carry speech, by loudness: a slot is speech when its RMS exceeds a tenth of the clip's 95th-percentile
/// slot RMS (−20 dB from the loud parts). Crude, documented, and the same for every method.
public enum SpeechActivity {
    public static func slotRMS(audio: AudioTrack, fps: Double, slotCount n: Int) -> [Double] {
        let perSlot = Double(audio.sampleRate) / fps
        return (0..<n).map { j in
            let a = Int(Double(j) * perSlot), b = min(audio.samples.count, Int(Double(j + 1) * perSlot))
            guard b > a else { return 0 }
            var s = 0.0
            for i in a..<b { s += Double(audio.samples[i]) * Double(audio.samples[i]) }
            return (s / Double(b - a)).squareRoot()
        }
    }

    public static func speechSlots(audio: AudioTrack?, fps: Double, slotCount n: Int) -> [Int] {
        guard let audio, fps > 0 else { return [] }
        let rms = slotRMS(audio: audio, fps: fps, slotCount: n)
        let sorted = rms.sorted()
        guard let loud = sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))], loud > 0 else { return [] }
        return rms.indices.filter { rms[$0] > 0.1 * loud }
    }
}
