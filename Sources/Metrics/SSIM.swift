import Foundation

/// Structural similarity (Wang et al. 2004) with the project's fixed parameters.
///
/// 11×11 Gaussian window (σ = 1.5, separable, taps exp(−x²/2σ²) for x = −5…5, normalised), K1 = 0.01,
/// K2 = 0.03, data range 1, population (not sample) covariances, "valid" filtering (only windows that lie inside
/// the image), the SSIM map averaged per channel, then the channels averaged. This equals scikit-image's
/// `structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1,
/// channel_axis=-1)`: skimage truncates its Gaussian at 3.5σ, i.e. radius int(3.5·1.5 + 0.5) = 5 → 11 taps,
/// filters with reflect padding and then crops 5 pixels from every side, which leaves exactly the valid windows.
/// Measured agreement with skimage 0.26 on the real-frame fixtures: see `MetricsFixtureTests`.
public enum SSIM {
    /// Window side.
    public static let windowSize = 11
    /// Gaussian σ of the window.
    public static let sigma = 1.5
    /// Stabilising constants for data range 1.
    public static let k1 = 0.01, k2 = 0.03

    /// The normalised 1-D Gaussian taps of the window (its 2-D window is their outer product), for code that has to
    /// compute SSIM another way (FE-Net's differentiable structural loss).
    public static func windowTaps() -> [Float] { SSIMKernel().taps }

    /// The SSIM of `restored` against `reference` under `convention` (symmetric in its arguments).
    ///
    /// Throws `.sizeMismatch` for different sizes and `.tooSmall` when a side is under 11 pixels.
    public static func compute(_ restored: PlanarImage, _ reference: PlanarImage,
                               convention: MetricConvention = .standard) throws(MetricsError) -> Double {
        let (a, b) = try convention.preparePair(restored, reference)
        guard a.width >= windowSize, a.height >= windowSize else {
            throw .tooSmall("SSIM needs at least \(windowSize)×\(windowSize) pixels, got \(a.width)×\(a.height)")
        }
        let kernel = SSIMKernel()
        var total = 0.0
        let n = a.planeSize
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                for c in 0..<a.channels {
                    let x = UnsafeBufferPointer(rebasing: pa[c * n..<(c + 1) * n])
                    let y = UnsafeBufferPointer(rebasing: pb[c * n..<(c + 1) * n])
                    total += kernel.means(x, y, width: a.width, height: a.height).ssim
                }
            }
        }
        return total / Double(a.channels)
    }
}

// MARK: - Kernel

/// The separable Gaussian SSIM computation on one plane; shared by SSIM and MS-SSIM.
struct SSIMKernel {
    /// Normalised 1-D Gaussian taps.
    let taps: [Float]
    let c1: Float
    let c2: Float

    init(size: Int = SSIM.windowSize, sigma: Double = SSIM.sigma) {
        let half = size / 2
        var g = (0..<size).map { i -> Double in
            let x = Double(i - half)
            return (-(x * x) / (2 * sigma * sigma)).exp
        }
        let sum = g.reduce(0, +)
        g = g.map { $0 / sum }
        taps = g.map { Float($0) }
        c1 = Float(SSIM.k1 * SSIM.k1)
        c2 = Float(SSIM.k2 * SSIM.k2)
    }

    /// Mean SSIM and mean contrast-structure term over the valid windows of one plane pair.
    ///
    /// The caller guarantees `width, height ≥ taps.count`. The five maps x, y, x², y², xy (centred, see below)
    /// are formed once; then, per
    /// output row, each of the five maps (x, y, x², y², xy) is filtered vertically into a row buffer and
    /// horizontally into a second one (single-stream loops the compiler vectorizes), and the SSIM formula is
    /// evaluated in Double, where the variance differences lose nothing.
    func means(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
               width: Int, height: Int) -> (ssim: Double, cs: Double) {
        let k = taps.count
        let n = width * height
        let outW = width - k + 1, outH = height - k + 1
        var products = [Float](repeating: 0, count: 5 * n)
        var total = 0.0
        for i in 0..<n { total += Double(x[i]) + Double(y[i]) }
        let shift = Float(total / Double(2 * n))
        let s = Double(shift)
        var vert = [Float](repeating: 0, count: width)
        var horiz = [Float](repeating: 0, count: 5 * outW)
        var ssimSum = 0.0, csSum = 0.0
        let c1 = Double(self.c1), c2 = Double(self.c2)
        taps.withUnsafeBufferPointer { g in
            products.withUnsafeMutableBufferPointer { pr in
                vert.withUnsafeMutableBufferPointer { v in
                    horiz.withUnsafeMutableBufferPointer { h in
                        guard let pb = pr.baseAddress, let vb = v.baseAddress, let hb = h.baseAddress,
                              let xb = x.baseAddress, let yb = y.baseAddress else { return }
                        // Centre both planes on their common mean s before filtering: variances come from
                        // differences of filtered squares, and smaller squares lose less in Float. The means are
                        // shifted back (μ = μ′ + s) in Double; the contrast-structure term is shift-invariant.
                        for i in 0..<n {
                            let a = xb[i] - shift, b = yb[i] - shift
                            pb[i] = a
                            pb[n + i] = b
                            pb[2 * n + i] = a * a
                            pb[3 * n + i] = b * b
                            pb[4 * n + i] = a * b
                        }
                        let sources: [UnsafePointer<Float>] = (0..<5).map { UnsafePointer(pb + $0 * n) }
                        for r in 0..<outH {
                            for (m, src) in sources.enumerated() {
                                // Vertical pass for map m, output row r.
                                let w0 = g[0]
                                let row0 = src + r * width
                                for col in 0..<width { vb[col] = w0 * row0[col] }
                                for t in 1..<k {
                                    let w = g[t]
                                    let row = src + (r + t) * width
                                    for col in 0..<width { vb[col] += w * row[col] }
                                }
                                // Horizontal pass.
                                let out = hb + m * outW
                                for col in 0..<outW { out[col] = g[0] * vb[col] }
                                for t in 1..<k {
                                    let w = g[t]
                                    let shifted = vb + t
                                    for col in 0..<outW { out[col] += w * shifted[col] }
                                }
                            }
                            // Combine: luminance × contrast-structure (Wang et al. 2004, Eq. 13 with α = β = γ = 1).
                            var rowSSIM = 0.0, rowCS = 0.0
                            for col in 0..<outW {
                                let cx = Double(hb[col]), cy = Double(hb[outW + col])
                                let sxx = Double(hb[2 * outW + col]) - cx * cx
                                let syy = Double(hb[3 * outW + col]) - cy * cy
                                let sxy = Double(hb[4 * outW + col]) - cx * cy
                                let mx = cx + s, my = cy + s
                                let cs = (2 * sxy + c2) / (sxx + syy + c2)
                                rowCS += cs
                                rowSSIM += (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
                            }
                            ssimSum += rowSSIM
                            csSum += rowCS
                        }
                    }
                }
            }
        }
        let count = Double(outW * outH)
        return (ssimSum / count, csSum / count)
    }
}

private extension Double {
    var exp: Double { Foundation.exp(self) }
}
