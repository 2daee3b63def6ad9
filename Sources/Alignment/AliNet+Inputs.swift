import Features
import Foundation

/// What Ali-Net's encoders are fed: grey mouth crops cut from square face crops, and per-slot MFCC segments.
///
/// Both are normalised per clip so the encoders see speech, not the speaker: a mouth crop is standardised (zero
/// mean, unit variance over its pixels) and the clip's mean mouth (over the frames at hand — all frames in
/// training, the survivors when aligning) is subtracted; the MFCCs are mean- and variance-normalised per
/// coefficient over the whole clip (CMVN) before the slot segments (Sec. III-B, Fig. 4) are assembled.
public enum AliNetInputs {
    // MARK: Video

    /// The grey mouth crop (`mouthHeight × mouthWidth`, standardised) of one face crop given as 8-bit RGB
    /// (`width × height × 3`, row-major): the region `mouthRegion` of the crop, box-averaged down.
    public static func mouth(rgb: [UInt8], width: Int, height: Int,
                             configuration c: AliNetConfiguration) throws(AlignmentError) -> [Float] {
        guard width > 0, height > 0, rgb.count == width * height * 3 else {
            throw .shapeMismatch("\(rgb.count) bytes for a \(width)×\(height) RGB frame")
        }
        let r = c.mouthRegion
        var out = VisualChange.greyBoxAverage(rgb: rgb, width: width, height: height,
                                              region: (r[0] * Double(width), r[1] * Double(height),
                                                       r[2] * Double(width), r[3] * Double(height)),
                                              outWidth: c.mouthWidth, outHeight: c.mouthHeight)
        standardise(&out)
        return out
    }

    /// Zero mean, unit variance in place (a flat crop stays zero).
    static func standardise(_ v: inout [Float]) {
        guard !v.isEmpty else { return }
        let mean = v.reduce(0, +) / Float(v.count)
        var ss: Float = 0
        for x in v { ss += (x - mean) * (x - mean) }
        let sd = (ss / Float(v.count)).squareRoot()
        let inv: Float = sd > 1e-3 ? 1 / sd : 0  // flatter than a quarter grey level: a flat crop
        for i in v.indices { v[i] = (v[i] - mean) * inv }
    }

    /// The mean of `count` crops of `size` values (row-major).
    public static func meanCrop(_ crops: [Float], count: Int, size: Int) -> [Float] {
        var m = [Float](repeating: 0, count: size)
        guard count > 0 else { return m }
        for i in 0..<count { for t in 0..<size { m[t] += crops[i * size + t] } }
        let inv = 1 / Float(count)
        for t in 0..<size { m[t] *= inv }
        return m
    }


    // MARK: Audio

    /// The audio features Ali-Net's segments are cut from: MFCC with the configuration's coefficient count.
    public static func featureSettings(_ c: AliNetConfiguration) -> AudioFeatureSettings {
        var settings = AudioFeatureSettings.mfcc
        settings.coefficients = c.audioCoefficients
        return settings
    }

    /// The `slotCount × segmentSize` slot segments from a clip's feature frames (`featureSettings`, 10 ms hop):
    /// CMVN over the clip, `audioContext` neighbours each side of the slot's frame.
    public static func segments(features: FeatureMatrix, fps: Double, slotCount: Int,
                                configuration c: AliNetConfiguration) throws(AlignmentError) -> [Float] {
        guard slotCount > 0 else { throw .emptyInput("no slots") }
        guard features.columns == c.audioCoefficients else {
            throw .shapeMismatch("\(features.columns) audio features per frame for a model of \(c.audioCoefficients) coefficients")
        }
        do {
            var normalised = features
            normaliseColumns(&normalised)
            let slots = try SlotFeatures.make(features: normalised, fps: fps, slotCount: slotCount, context: c.audioContext)
            guard slots.columns == c.segmentSize else {
                throw AlignmentError.shapeMismatch("\(slots.columns) values per segment, the model wants \(c.segmentSize)")
            }
            return slots.values
        } catch let error as AlignmentError {
            throw error
        } catch {
            throw .invalidSetting("audio features: \(error)")
        }
    }

    /// Cepstral mean and variance normalisation: every column to zero mean, unit variance.
    static func normaliseColumns(_ m: inout FeatureMatrix) {
        let rows = m.rows, cols = m.columns
        guard rows > 1 else { return }
        for c in 0..<cols {
            var mean: Double = 0
            for r in 0..<rows { mean += Double(m.values[r * cols + c]) }
            mean /= Double(rows)
            var ss: Double = 0
            for r in 0..<rows { let d = Double(m.values[r * cols + c]) - mean; ss += d * d }
            let sd = (ss / Double(rows)).squareRoot()
            let inv = sd > 1e-8 ? 1 / sd : 0
            for r in 0..<rows { m.values[r * cols + c] = Float((Double(m.values[r * cols + c]) - mean) * inv) }
        }
    }
}
