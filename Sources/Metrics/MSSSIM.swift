import Foundation

/// Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) as pytorch-msssim computes it.
///
/// Five scales with weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333. At each of scales 1–4 the mean
/// contrast-structure term cs is taken (clamped at 0, like pytorch-msssim's relu) and both images are reduced by a
/// 2×2 average pool (for an odd side, pytorch's `avg_pool2d(kernel_size=2, padding=side % 2)` with
/// `count_include_pad=True`: one zero row/column in front, each output the sum of its 2×2 block divided by 4);
/// scale 5 contributes the full SSIM (clamped at 0). Per channel, MS-SSIM = Π csᵢ^wᵢ · ssim₅^w₅; the channels are
/// averaged. The SSIM kernel is `SSIM`'s (11-tap Gaussian σ 1.5, valid windows).
///
/// Small images: pytorch-msssim requires the smaller side to exceed 160 px ((11 − 1)·2⁴) so that the fifth scale
/// still holds an 11×11 window. Below that the default policy, `.reject`, throws `MetricsError.tooSmall`:
/// a number computed differently is not comparable with published MS-SSIM and should not silently enter a table.
/// `.fewerScales` is there for exploratory use on small crops: it uses as many scales as keep both sides ≥ 11 at
/// the last one (at least one), takes full SSIM at that last scale, and renormalises the used weights to sum to 1.
public enum MSSSIM {
    /// The five scale weights.
    public static let weights: [Double] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    /// The smallest side the full five-scale computation accepts (pytorch-msssim: side > 160).
    public static let minimumSide = (SSIM.windowSize - 1) * 16 + 1

    /// What to do when the smaller side is under `minimumSide`.
    public enum SmallImagePolicy: String, Sendable, Hashable, Codable {
        /// Throw `MetricsError.tooSmall` (default; matches the reference, which asserts).
        case reject
        /// Use fewer scales and renormalise their weights; not comparable with five-scale numbers.
        case fewerScales
    }

    /// The MS-SSIM of `restored` against `reference` under `convention`.
    public static func compute(_ restored: PlanarImage, _ reference: PlanarImage,
                               convention: MetricConvention = .standard,
                               smallImages: SmallImagePolicy = .reject) throws(MetricsError) -> Double {
        let (a, b) = try convention.preparePair(restored, reference)
        let levels = try scaleCount(width: a.width, height: a.height, policy: smallImages)
        // The published weights sum to 1.0001 and are used as they are; only a shortened set is renormalised.
        var w = Array(weights.prefix(levels))
        if levels < weights.count {
            let wSum = w.reduce(0, +)
            w = w.map { $0 / wSum }
        }
        let kernel = SSIMKernel()
        let n = a.planeSize
        var total = 0.0
        for c in 0..<a.channels {
            var x = Array(a.pixels[c * n..<(c + 1) * n]), y = Array(b.pixels[c * n..<(c + 1) * n])
            var width = a.width, height = a.height
            var value = 1.0
            for level in 0..<levels {
                let (ssim, cs) = x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in kernel.means(px, py, width: width, height: height) }
                }
                if level < levels - 1 {
                    value *= pow(max(cs, 0), w[level])
                    let (nx, nw, nh) = averagePool(x, width: width, height: height)
                    y = averagePool(y, width: width, height: height).0
                    x = nx
                    width = nw
                    height = nh
                } else {
                    value *= pow(max(ssim, 0), w[level])
                }
            }
            total += value
        }
        return total / Double(a.channels)
    }

    /// The number of scales used for a `width × height` image under `policy`.
    public static func scaleCount(width: Int, height: Int, policy: SmallImagePolicy) throws(MetricsError) -> Int {
        let side = min(width, height)
        if side >= minimumSide { return weights.count }
        switch policy {
        case .reject:
            throw .tooSmall("MS-SSIM needs the smaller side > \(minimumSide - 1) px (five scales), got \(width)×\(height)")
        case .fewerScales:
            guard side >= SSIM.windowSize else {
                throw .tooSmall("MS-SSIM needs at least \(SSIM.windowSize) px per side, got \(width)×\(height)")
            }
            var levels = 1, s = side
            while levels < weights.count {
                let next = s / 2 + s % 2
                if next < SSIM.windowSize { break }
                s = next
                levels += 1
            }
            return levels
        }
    }

    /// pytorch's `avg_pool2d(kernel_size=2, stride=2, padding=(h % 2, w % 2))`, zero padding counted in the divisor.
    static func averagePool(_ plane: [Float], width: Int, height: Int) -> ([Float], Int, Int) {
        let pw = width % 2, ph = height % 2
        let ow = (width + 2 * pw - 2) / 2 + 1, oh = (height + 2 * ph - 2) / 2 + 1
        var out = [Float](repeating: 0, count: ow * oh)
        plane.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var s: Float = 0
                        for dy in 0..<2 {
                            let yy = 2 * oy + dy - ph
                            guard yy >= 0, yy < height else { continue }
                            for dx in 0..<2 {
                                let xx = 2 * ox + dx - pw
                                guard xx >= 0, xx < width else { continue }
                                s += src[yy * width + xx]
                            }
                        }
                        dst[oy * ow + ox] = s / 4
                    }
                }
            }
        }
        return (out, ow, oh)
    }
}
