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
    /// The caller guarantees `width, height ≥ taps.count`. Rows are filtered vertically into five running
    /// buffers (x, y, x², y², xy), then horizontally, then combined; memory is O(width).
    func means(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
               width: Int, height: Int) -> (ssim: Double, cs: Double) {
        let k = taps.count
        let outW = width - k + 1, outH = height - k + 1
        var vert = [Float](repeating: 0, count: 5 * width)
        var horiz = [Float](repeating: 0, count: 5 * outW)
        var ssimSum = 0.0, csSum = 0.0
        let c1 = self.c1, c2 = self.c2
        taps.withUnsafeBufferPointer { g in
            vert.withUnsafeMutableBufferPointer { v in
                horiz.withUnsafeMutableBufferPointer { h in
                    guard let vb = v.baseAddress, let hb = h.baseAddress,
                          let xb = x.baseAddress, let yb = y.baseAddress else { return }
                    let vx = vb, vy = vb + width, vxx = vb + 2 * width, vyy = vb + 3 * width, vxy = vb + 4 * width
                    let hx = hb, hy = hb + outW, hxx = hb + 2 * outW, hyy = hb + 3 * outW, hxy = hb + 4 * outW
                    for r in 0..<outH {
                        // Vertical pass: five weighted column sums for output row r.
                        v.update(repeating: 0)
                        for t in 0..<k {
                            let w = g[t]
                            let xr = xb + (r + t) * width, yr = yb + (r + t) * width
                            for col in 0..<width {
                                let a = xr[col], b = yr[col]
                                vx[col] += w * a
                                vy[col] += w * b
                                vxx[col] += w * (a * a)
                                vyy[col] += w * (b * b)
                                vxy[col] += w * (a * b)
                            }
                        }
                        // Horizontal pass.
                        h.update(repeating: 0)
                        for t in 0..<k {
                            let w = g[t]
                            for col in 0..<outW {
                                hx[col] += w * vx[col + t]
                                hy[col] += w * vy[col + t]
                                hxx[col] += w * vxx[col + t]
                                hyy[col] += w * vyy[col + t]
                                hxy[col] += w * vxy[col + t]
                            }
                        }
                        // Combine (Eq. of Wang et al.: luminance × contrast-structure).
                        var rowSSIM: Float = 0, rowCS: Float = 0
                        for col in 0..<outW {
                            let mx = hx[col], my = hy[col]
                            let mxx = mx * mx, myy = my * my, mxy = mx * my
                            let sxx = hxx[col] - mxx, syy = hyy[col] - myy, sxy = hxy[col] - mxy
                            let cs = (2 * sxy + c2) / (sxx + syy + c2)
                            let l = (2 * mxy + c1) / (mxx + myy + c1)
                            rowCS += cs
                            rowSSIM += l * cs
                        }
                        ssimSum += Double(rowSSIM)
                        csSum += Double(rowCS)
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
