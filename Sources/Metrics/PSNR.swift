import Foundation

/// Peak signal-to-noise ratio: 10·log10(1 / MSE) for values in [0, 1].
///
/// The MSE is taken over every value of every compared plane (all RGB channels together, or luma only), in Double.
/// Identical images have MSE 0 and PSNR +∞; pass `cap` (e.g. 100 dB) when the numbers will be averaged.
public enum PSNR {
    /// The PSNR of `restored` against `reference` in dB, under `convention`; at most `cap`.
    public static func compute(_ restored: PlanarImage, _ reference: PlanarImage,
                               convention: MetricConvention = .standard,
                               cap: Double = .infinity) throws(MetricsError) -> Double {
        let (a, b) = try convention.preparePair(restored, reference)
        let mse = meanSquaredError(a.pixels, b.pixels)
        return fromMSE(mse, cap: cap)
    }

    /// 10·log10(1 / mse), +∞ (or `cap`) for mse = 0.
    public static func fromMSE(_ mse: Double, cap: Double = .infinity) -> Double {
        guard mse > 0 else { return cap }
        return min(cap, 10 * log10(1 / mse))
    }

    /// Mean of squared differences, accumulated in Double.
    static func meanSquaredError(_ a: [Float], _ b: [Float]) -> Double {
        var sum = 0.0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var i = 0
                let n = pa.count
                while i < n {
                    // Accumulate blocks in Float (exact enough for ≤ 256 terms of 8-bit differences), then in Double.
                    let end = min(n, i + 256)
                    var s: Float = 0
                    for j in i..<end {
                        let d = pa[j] - pb[j]
                        s += d * d
                    }
                    sum += Double(s)
                    i = end
                }
            }
        }
        return a.isEmpty ? 0 : sum / Double(a.count)
    }
}
