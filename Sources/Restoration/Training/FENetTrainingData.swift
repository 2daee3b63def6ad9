import Foundation
import Media
import Tensor

// MARK: - Clips

/// One clip ready for FE-Net training: its frames (all the same size) and, when its audio may be used, the
/// standardised audio segment of every slot (nil = audio absent, the audio-present flag is 0 for its samples).
public struct FENetTrainingClip: Sendable {
    public let name: String
    public let frames: [VideoFrame]
    public let audio: FENetAudio?
    /// The audio-predicted lip geometry of every slot (the lip guidance's Δĝ), nil when unknown or audio is absent.
    public let lipTrack: LipTrack?
    /// The mouth of every frame (nil where no face was found; the whole array nil when not measured).
    public let mouthSpots: [MouthSpot?]?

    /// Throws `.frameSizeMismatch` unless there are at least 3 frames of one size, and `.audioMismatch` when the audio
    /// or the lip track has fewer rows than frames, or the mouth spots are not one per frame.
    public init(name: String, frames: [VideoFrame], audio: FENetAudio?, lipTrack: LipTrack? = nil,
                mouthSpots: [MouthSpot?]? = nil) throws(RestorationError) {
        guard frames.count >= 3, let first = frames.first,
              frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw .frameSizeMismatch("\(name): training needs at least 3 frames of one size")
        }
        if let audio, audio.rows < frames.count {
            throw .audioMismatch("\(name): \(audio.rows) audio segments for \(frames.count) frames")
        }
        if let lipTrack, lipTrack.slotCount < frames.count {
            throw .audioMismatch("\(name): a lip track of \(lipTrack.slotCount) slots for \(frames.count) frames")
        }
        if let mouthSpots, mouthSpots.count != frames.count {
            throw .frameSizeMismatch("\(name): \(mouthSpots.count) mouth spots for \(frames.count) frames")
        }
        self.name = name
        self.frames = frames
        self.audio = audio
        self.lipTrack = lipTrack
        self.mouthSpots = mouthSpots
    }

    public var width: Int { frames[0].width }
    public var height: Int { frames[0].height }
}

// MARK: - Samples

/// One training example: a gap's neighbours I_l, I_r, one missing frame I_t between them, v = (t − l)/(r − l), and the
/// audio segments of l, t, r.
public struct FENetSample: Sendable {
    public var left: [Float]
    public var right: [Float]
    public var target: [Float]
    public var v: Float
    public var audioL: [Float]
    public var audioT: [Float]
    public var audioR: [Float]
    /// 1 when the audio segments are real, 0 when absent (then they are zeros).
    public var audioPresent: Float
    /// The lip guidance row (`FENetGuidance.row`), empty when the sampler is not guided.
    public var guidance: [Float] = []
}

/// Draws gaps the way the drop process makes them: with each frame surviving independently with probability
/// `survival` (0.13 at drop rate 0.87), the number of dropped frames between two survivors is geometric,
/// P(x) ∝ (1 − survival)^x for x ≥ 1, capped at `maxGap`. The missing frame is uniform in the gap.
///
/// `weighting` says what a sample stands for. `.gaps` draws a gap of the drop process (P ∝ q^x, q = 1 − survival):
/// the first FE-Nets trained so. `.frames` draws a *missing frame* of the drop process — the unit every evaluation
/// averages over — so a gap of x frames is x times as likely (P ∝ x·q^x): at drop rate 0.87 the typical restored frame
/// sits in a gap of about 13 frames, not 5, and 37% of restored frames lie in gaps longer than 15.
public struct FENetGapSampler: Sendable {
    /// What one training sample stands for (see the type's summary).
    public enum Weighting: String, Sendable, CaseIterable {
        /// A gap of the drop process: P(x) ∝ q^x.
        case gaps
        /// A missing frame of the drop process: P(x) ∝ x·q^x.
        case frames
    }

    public var survival: Double
    public var maxGap: Int
    /// Gaps or missing frames (default `.gaps`, the first models' sampling).
    public var weighting: Weighting = .gaps
    /// Share of static samples (I_l = I_t = I_r, one frame), which teach the network to keep still pictures still.
    public var staticFraction: Double
    /// Mirror samples left–right with probability 1/2.
    public var flip: Bool
    /// Ignore every clip's audio (the `fenet-noaudio` variant).
    public var noAudio: Bool
    public let audioColumns: Int
    /// Give every sample its lip guidance row (for a guided generator).
    public var guided: Bool

    public init(survival: Double = 0.13, maxGap: Int = 15, staticFraction: Double = 0.03, flip: Bool = true,
                noAudio: Bool = false, audioColumns: Int = 65, guided: Bool = false) {
        self.guided = guided
        self.survival = survival
        self.maxGap = maxGap
        self.staticFraction = staticFraction
        self.flip = flip
        self.noAudio = noAudio
        self.audioColumns = audioColumns
    }

    /// The gap length x ∈ 1…maxGap, drawn by `weighting`.
    public func gapLength(using g: inout some RandomNumberGenerator) -> Int {
        let q = 1 - survival
        let weights = (1...maxGap).map { Foundation.pow(q, Double($0)) * (weighting == .frames ? Double($0) : 1) }
        var u = Double.random(in: 0..<weights.reduce(0, +), using: &g)
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i + 1 }
        }
        return maxGap
    }

    /// One sample from a clip chosen uniformly.
    public func sample(_ clips: [FENetTrainingClip], using g: inout some RandomNumberGenerator) -> FENetSample {
        let clip = clips[Int.random(in: 0..<clips.count, using: &g)]
        let n = clip.frames.count
        var x = min(gapLength(using: &g), n - 2)
        var l = Int.random(in: 0...(n - x - 2), using: &g)
        var r = l + x + 1
        var t = Int.random(in: (l + 1)...(r - 1), using: &g)
        var v = Float(t - l) / Float(r - l)
        if Double.random(in: 0..<1, using: &g) < staticFraction {
            x = 0
            r = l
            t = l
            v = Float.random(in: 0.1...0.9, using: &g)
        }
        let mirror = flip && Bool.random(using: &g)
        func planes(_ i: Int) -> [Float] {
            let p = clip.frames[i].planarFloat()
            return mirror ? Self.mirrored(p, width: clip.width, height: clip.height) : p
        }
        let useAudio = !noAudio && clip.audio != nil
        func audio(_ slot: Int) -> [Float] {
            guard useAudio, let a = clip.audio else { return [Float](repeating: 0, count: audioColumns) }
            return Array(a.row(slot))
        }
        // Keep l < r for static samples too: they share the frame, so only v matters.
        if x == 0 { l = t }
        var guidance: [Float] = []
        if guided {
            // The neighbours' mouths as a restorer finds them (landmarks of the survivors); the audio's track, never
            // the target's own landmarks, so training sees what restoration will see.
            func spot(_ i: Int) -> MouthSpot? {
                guard let s = clip.mouthSpots?[i] else { return nil }
                return mirror ? s.mirrored : s
            }
            let track = useAudio ? clip.lipTrack : nil
            guidance = x == 0
                ? FENetGuidance.row(track: nil, left: l, target: l, right: l, leftSpot: spot(l), rightSpot: spot(l))
                : FENetGuidance.row(track: track, left: l, target: t, right: r, leftSpot: spot(l), rightSpot: spot(r))
        }
        return FENetSample(left: planes(l), right: planes(r), target: planes(t), v: v, audioL: audio(l), audioT: audio(t),
                           audioR: audio(r), audioPresent: useAudio ? 1 : 0, guidance: guidance)
    }

    /// CHW planes flipped left–right.
    static func mirrored(_ p: [Float], width w: Int, height h: Int) -> [Float] {
        var out = p
        for c in 0..<3 {
            for y in 0..<h {
                let row = (c * h + y) * w
                for x in 0..<w { out[row + x] = p[row + w - 1 - x] }
            }
        }
        return out
    }
}

// MARK: - Batches

/// A batch of samples as tensors.
public struct FENetBatch {
    public let left: Tensor
    public let right: Tensor
    public let target: Tensor
    public let v: [Float]
    public let audioL: Tensor
    public let audioT: Tensor
    public let audioR: Tensor
    public let present: [Float]
    /// [N, `FENetGuidance.rowWidth`] lip guidance rows, nil when the samples carry none.
    public let guidance: Tensor?

    /// Stacks samples of one frame size (`width`×`height`).
    public init(_ samples: [FENetSample], width: Int, height: Int) throws {
        let n = samples.count, cols = samples.first?.audioL.count ?? 0
        left = try Tensor(shape: [n, 3, height, width], scalars: samples.flatMap(\.left))
        right = try Tensor(shape: [n, 3, height, width], scalars: samples.flatMap(\.right))
        target = try Tensor(shape: [n, 3, height, width], scalars: samples.flatMap(\.target))
        v = samples.map(\.v)
        audioL = try Tensor(shape: [n, cols], scalars: samples.flatMap(\.audioL))
        audioT = try Tensor(shape: [n, cols], scalars: samples.flatMap(\.audioT))
        audioR = try Tensor(shape: [n, cols], scalars: samples.flatMap(\.audioR))
        present = samples.map(\.audioPresent)
        let rows = samples.map(\.guidance)
        guidance = rows.allSatisfy({ $0.count == FENetGuidance.rowWidth }) && n > 0
            ? try Tensor(shape: [n, FENetGuidance.rowWidth], scalars: rows.flatMap { $0 })
            : nil
    }
}
