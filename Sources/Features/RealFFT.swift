import Foundation

/// A radix-2 FFT of real input, computed as a half-length complex FFT plus a split step.
///
/// Works in Double so that small spectral bins keep their relative accuracy (the references,
/// `numpy.fft.rfft` and librosa's STFT, are float64). Tables are built once per size.
public struct RealFFT: Sendable {
    /// The transform length (a power of two, at least 4).
    public let count: Int
    private let half: Int
    private let bitReversed: [Int32]
    private let twiddleRe: [Double]   // e^{-2πi m/half}, m < half/2 (complex stage twiddles)
    private let twiddleIm: [Double]
    private let splitRe: [Double]     // e^{-2πi k/count}, k ≤ half (real-split twiddles)
    private let splitIm: [Double]

    /// Builds the tables for a transform of `count` points. Throws when `count` is not a power of two ≥ 4.
    public init(count: Int) throws(FeaturesError) {
        guard count >= 4, count & (count - 1) == 0 else {
            throw .invalidSetting("FFT size \(count) is not a power of two ≥ 4")
        }
        self.count = count
        half = count / 2
        var bits = 0
        while (1 << bits) < half { bits += 1 }
        var rev = [Int32](repeating: 0, count: half)
        for i in 0..<half {
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            rev[i] = Int32(r)
        }
        bitReversed = rev
        twiddleRe = (0..<max(1, half / 2)).map { cos(-2 * Double.pi * Double($0) / Double(count / 2)) }
        twiddleIm = (0..<max(1, half / 2)).map { sin(-2 * Double.pi * Double($0) / Double(count / 2)) }
        splitRe = (0...half).map { cos(-2 * Double.pi * Double($0) / Double(count)) }
        splitIm = (0...half).map { sin(-2 * Double.pi * Double($0) / Double(count)) }
    }

    /// Writes |X_k|² for k = 0 … count/2 of the real sequence `input[0..<count]` into `power`.
    ///
    /// - Parameters:
    ///   - input: at least `count` real samples (already windowed and zero-padded).
    ///   - power: room for at least `count/2 + 1` values.
    ///   - scratch: room for at least `count` Doubles (the packed complex half-length sequence).
    public func powerSpectrum(_ input: UnsafeBufferPointer<Double>, into power: UnsafeMutableBufferPointer<Double>,
                              scratch: UnsafeMutableBufferPointer<Double>) {
        let h = half
        // Pack z_m = x_{2m} + i x_{2m+1} in bit-reversed order (re at 2m, im at 2m+1).
        bitReversed.withUnsafeBufferPointer { rev in
            for m in 0..<h {
                let r = Int(rev[m])
                scratch[2 * r] = input[2 * m]
                scratch[2 * r + 1] = input[2 * m + 1]
            }
        }
        // Iterative radix-2 decimation-in-time butterflies on the half-length complex sequence.
        twiddleRe.withUnsafeBufferPointer { twr in
            twiddleIm.withUnsafeBufferPointer { twi in
                var size = 2
                while size <= h {
                    let halfSize = size / 2
                    let step = h / size
                    var start = 0
                    while start < h {
                        for j in 0..<halfSize {
                            let wr = twr[j * step], wi = twi[j * step]
                            let a = 2 * (start + j), b = 2 * (start + j + halfSize)
                            let br = scratch[b] * wr - scratch[b + 1] * wi
                            let bi = scratch[b] * wi + scratch[b + 1] * wr
                            let ar = scratch[a], ai = scratch[a + 1]
                            scratch[a] = ar + br; scratch[a + 1] = ai + bi
                            scratch[b] = ar - br; scratch[b + 1] = ai - bi
                        }
                        start += size
                    }
                    size *= 2
                }
            }
        }
        // Split: X_k = E_k + W^k O_k, E_k = (Z_k + conj Z_{h-k})/2, O_k = (Z_k - conj Z_{h-k})/(2i).
        splitRe.withUnsafeBufferPointer { sr in
            splitIm.withUnsafeBufferPointer { si in
                for k in 0...h {
                    let k1 = k % h, k2 = (h - k) % h
                    let zr = scratch[2 * k1], zi = scratch[2 * k1 + 1]
                    let cr = scratch[2 * k2], ci = -scratch[2 * k2 + 1]
                    let er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci)
                    // (Z - conj)/(2i) = (dr + i di)/(2i) = (di - i dr)/2
                    let dr = zr - cr, di = zi - ci
                    let or = 0.5 * di, oi = -0.5 * dr
                    let xr = er + sr[k] * or - si[k] * oi
                    let xi = ei + sr[k] * oi + si[k] * or
                    power[k] = xr * xr + xi * xi
                }
            }
        }
    }
}
