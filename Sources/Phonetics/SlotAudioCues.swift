import Features
import Foundation

/// The speaker-independent audio cues of every slot: viseme probabilities from decoded phones (`Viseme`) and
/// per-clip-normalised spectral features — the inputs of `LipGeometryModel`.
public struct SlotAudioCues: Sendable, Equatable {
    /// Slots n.
    public let slotCount: Int
    /// n × `Viseme.allCases.count` per-slot viseme probabilities.
    public var visemes: [Float]
    /// n × `spectralWidth` MFCC-13 of the 5 feature frames (10 ms apart) centred on each slot (`SlotFeatures`),
    /// every column standardised over the clip (mean 0, variance 1): loudness and channel do not matter, only how
    /// each slot differs from the clip's average.
    public var spectral: [Float]
    /// The decoded phones.
    public var phones: [PhoneSegment]

    /// Columns of `spectral`.
    public static let spectralWidth = 5 * AudioFeatureSettings.mfcc.dimension
    /// Feature frames of context on each side of a slot's anchor (`SlotFeatures.make`).
    public static let spectralContext = 2

    public init(slotCount: Int, visemes: [Float], spectral: [Float], phones: [PhoneSegment]) throws(PhoneticsError) {
        guard visemes.count == slotCount * Viseme.allCases.count, spectral.count == slotCount * Self.spectralWidth else {
            throw .shapeMismatch("\(visemes.count) viseme and \(spectral.count) spectral values for \(slotCount) slots")
        }
        self.slotCount = slotCount
        self.visemes = visemes
        self.spectral = spectral
        self.phones = phones
    }

    /// Cues for `slotCount` slots at `fps` from decoded `phones` and the clip's MFCC frames (`mfcc`, 10 ms hop: the
    /// engine computes them once per clip, in Pipeline's `SlotAudio`, and every consumer derives its view from them).
    public static func make(mfcc: FeatureMatrix, fps: Double, slotCount n: Int,
                            phones: [PhoneSegment]) throws(PhoneticsError) -> SlotAudioCues {
        let visemes = try Viseme.slotProbabilities(phones, fps: fps, slotCount: n)
        let spectral: [Float]
        do {
            let slots = try SlotFeatures.make(features: mfcc, fps: fps, slotCount: n, context: spectralContext)
            spectral = standardisedColumns(slots.values, rows: n, columns: slots.columns)
        } catch {
            throw .invalidAudio("\(error)")
        }
        return try SlotAudioCues(slotCount: n, visemes: visemes, spectral: spectral, phones: phones)
    }

    /// Per slot the clip-standardised log energy: the mean of MFCC c0 (the log of the frame's power) over the
    /// slot's `2·spectralContext + 1` feature frames, taken from `spectral` (whose columns are standardised).
    public var energy: [Float] {
        let d = AudioFeatureSettings.mfcc.dimension, envelope = slotMFCC
        return (0..<slotCount).map { envelope[$0 * d] }
    }

    /// Per slot the MFCC-13 averaged over its `2·spectralContext + 1` feature frames (n × 13, from the standardised
    /// `spectral` columns): the slot's spectral envelope, without the 10 ms detail of the five frames.
    public var slotMFCC: [Float] {
        let s = Self.spectralWidth, d = AudioFeatureSettings.mfcc.dimension, frames = 2 * Self.spectralContext + 1
        var out = [Float](repeating: 0, count: slotCount * d)
        for j in 0..<slotCount {
            for f in 0..<frames {
                for c in 0..<d { out[j * d + c] += spectral[j * s + f * d + c] }
            }
            for c in 0..<d { out[j * d + c] /= Float(frames) }
        }
        return out
    }

    /// Share of slots whose most likely class is not silence: 0 means no speech was found.
    public var speechShare: Double {
        let v = Viseme.allCases.count
        guard slotCount > 0 else { return 0 }
        var speech = 0
        for j in 0..<slotCount {
            var best = 0
            for c in 1..<v where visemes[j * v + c] > visemes[j * v + best] { best = c }
            if best != Viseme.silence.rawValue { speech += 1 }
        }
        return Double(speech) / Double(slotCount)
    }

    /// Every column of a `rows × columns` row-major matrix shifted to mean 0 and scaled to variance 1 (columns with
    /// no spread become 0).
    public static func standardisedColumns(_ m: [Float], rows: Int, columns: Int) -> [Float] {
        guard rows > 0, columns > 0, m.count == rows * columns else { return m }
        var out = m
        for c in 0..<columns {
            var mean = 0.0
            for r in 0..<rows { mean += Double(m[r * columns + c]) }
            mean /= Double(rows)
            var ss = 0.0
            for r in 0..<rows { let d = Double(m[r * columns + c]) - mean; ss += d * d }
            let sd = (ss / Double(rows)).squareRoot()
            let inv = sd > 1e-9 ? 1 / sd : 0
            for r in 0..<rows { out[r * columns + c] = Float((Double(m[r * columns + c]) - mean) * inv) }
        }
        return out
    }
}
