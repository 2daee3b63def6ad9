import Foundation

/// Turns mono audio into feature frames (MFCC or log-mel; paper Sec. III-B: 25 ms windows every 10 ms).
public enum AudioFeatures {
    /// Number of frames `compute` returns for `sampleCount` samples.
    ///
    /// MFCC (python_speech_features framing): `1 + ceil((N − window)/hop)` when `N > window`, else 1 — the
    /// last frame is zero-padded. Log-mel (librosa `center=True`): `1 + N/hop` (integer division).
    public static func frameCount(sampleCount: Int, settings: AudioFeatureSettings) -> Int {
        switch settings.kind {
        case .mfcc:
            sampleCount <= settings.window ? 1 : 1 + (sampleCount - settings.window + settings.hop - 1) / settings.hop
        case .logMel:
            1 + sampleCount / settings.hop
        }
    }

    /// Feature frames (rows) × values (columns) of `samples` at `settings.sampleRate`.
    ///
    /// Throws `FeaturesError.audioTooShort` when there is less than one window of audio,
    /// `.nonFiniteSample` for NaN/∞ input and `.invalidSetting` for bad settings.
    public static func compute(samples: [Float], settings: AudioFeatureSettings) throws(FeaturesError) -> FeatureMatrix {
        try settings.validate()
        guard samples.count >= settings.window else {
            throw .audioTooShort(samples: samples.count, needed: settings.window)
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteSample(index: bad) }
        let fft = try RealFFT(count: settings.nfft)
        let frames = frameCount(sampleCount: samples.count, settings: settings)
        let dims = settings.dimension
        var out = [Float](repeating: 0, count: frames * dims)
        switch settings.kind {
        case .mfcc: computeMFCC(samples, settings, fft, frames, &out)
        case .logMel: computeLogMel(samples, settings, fft, frames, &out)
        }
        return try FeatureMatrix(rows: frames, columns: dims, values: out, step: settings.hopSeconds,
                                 firstCentre: settings.firstFrameCentre,
                                 duration: Double(samples.count) / Double(settings.sampleRate))
    }

    // MARK: - MFCC (python_speech_features.mfcc)

    private static func computeMFCC(_ samples: [Float], _ s: AudioFeatureSettings, _ fft: RealFFT, _ frames: Int,
                                    _ out: inout [Float]) {
        let n = samples.count, nfft = s.nfft, bins = nfft / 2 + 1, win = s.window
        // Pre-emphasis over the whole signal, then zero padding to the last frame's end.
        let padded = (frames - 1) * s.hop + win
        var x = [Double](repeating: 0, count: max(padded, n))
        x[0] = Double(samples[0])
        for i in 1..<n { x[i] = Double(samples[i]) - s.preemphasis * Double(samples[i - 1]) }
        let bank = MelFilterbank.htkBins(bands: s.bands, nfft: nfft, sampleRate: s.sampleRate)
        let nb = s.bands, nc = s.coefficients
        // Orthonormal DCT-II rows (scipy.fftpack.dct type 2, norm="ortho"), lifter folded in.
        var dct = [Double](repeating: 0, count: nc * nb)
        for k in 0..<nc {
            let scale = k == 0 ? (1 / Double(nb)).squareRoot() : (2 / Double(nb)).squareRoot()
            let lift = s.lifter > 0 ? 1 + Double(s.lifter) / 2 * sin(Double.pi * Double(k) / Double(s.lifter)) : 1
            for m in 0..<nb {
                dct[k * nb + m] = scale * lift * cos(Double.pi * Double(k) * Double(2 * m + 1) / Double(2 * nb))
            }
        }
        let eps = Double.ulpOfOne   // numpy.finfo(float).eps
        var frame = [Double](repeating: 0, count: nfft)
        var power = [Double](repeating: 0, count: bins)
        var scratch = [Double](repeating: 0, count: nfft)
        var mel = [Double](repeating: 0, count: nb)
        let invN = 1 / Double(nfft)
        for f in 0..<frames {
            let start = f * s.hop
            for i in 0..<win { frame[i] = x[start + i] }   // rectangular window; frame[win...] stays 0
            frame.withUnsafeBufferPointer { fp in
                power.withUnsafeMutableBufferPointer { pp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        fft.powerSpectrum(fp, into: pp, scratch: sp)
                    }
                }
            }
            var energy = 0.0
            for k in 0..<bins { power[k] *= invN; energy += power[k] }
            if energy == 0 { energy = eps }
            power.withUnsafeBufferPointer { pp in
                mel.withUnsafeMutableBufferPointer { mp in bank.apply(pp, into: mp) }
            }
            for m in 0..<nb { mel[m] = log(mel[m] == 0 ? eps : mel[m]) }
            for k in 0..<nc {
                var c = 0.0
                for m in 0..<nb { c += dct[k * nb + m] * mel[m] }
                out[f * nc + k] = Float(c)
            }
            if s.appendEnergy { out[f * nc] = Float(log(energy)) }
        }
    }

    // MARK: - Log-mel (librosa.feature.melspectrogram, Slaney)

    private static func computeLogMel(_ samples: [Float], _ s: AudioFeatureSettings, _ fft: RealFFT, _ frames: Int,
                                      _ out: inout [Float]) {
        let n = samples.count, nfft = s.nfft, bins = nfft / 2 + 1, win = s.window
        // Periodic Hann of `window` samples, centred in the nfft frame (librosa.util.pad_center).
        let offset = (nfft - win) / 2
        let hann: [Double] = (0..<win).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(win)) }
        let bank = MelFilterbank.slaney(bands: s.bands, nfft: nfft, sampleRate: s.sampleRate)
        let nb = s.bands
        var frame = [Double](repeating: 0, count: nfft)
        var power = [Double](repeating: 0, count: bins)
        var scratch = [Double](repeating: 0, count: nfft)
        var mel = [Double](repeating: 0, count: nb)
        for f in 0..<frames {
            // Frame f covers signal samples [f·hop − nfft/2, f·hop + nfft/2), zeros outside the signal.
            let base = f * s.hop - nfft / 2 + offset
            for i in 0..<win {
                let t = base + i
                frame[offset + i] = (t >= 0 && t < n) ? Double(samples[t]) * hann[i] : 0
            }
            frame.withUnsafeBufferPointer { fp in
                power.withUnsafeMutableBufferPointer { pp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        fft.powerSpectrum(fp, into: pp, scratch: sp)
                    }
                }
            }
            power.withUnsafeBufferPointer { pp in
                mel.withUnsafeMutableBufferPointer { mp in bank.apply(pp, into: mp) }
            }
            for m in 0..<nb { out[f * nb + m] = Float(log(max(mel[m], s.logFloor))) }
        }
    }
}
