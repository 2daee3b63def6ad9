/// Sharpness of a picture: the variance of its Laplacian on BT.601 luma in 8-bit units (Pech-Pacheco et al., 2000).
///
/// A blurred or cross-faded frame has weaker second derivatives than its ground truth, so its value falls below the
/// truth's; double edges (ghosts) raise it less than one sharp edge. Reported beside PSNR, restored against truth,
/// so softness that PSNR forgives shows. The Laplacian is the 4-neighbour kernel [0 1 0; 1 −4 1; 0 1 0] over the
/// interior pixels.
public enum Sharpness {
    /// Variance of the Laplacian of `image`'s luma (planes in [0, 1], scaled to 8 bits); 0 for images under 3×3.
    public static func laplacianVariance(_ image: PlanarImage) -> Double {
        let w = image.width, h = image.height
        guard w >= 3, h >= 3 else { return 0 }
        let plane = w * h
        var luma = [Double](repeating: 0, count: plane)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<plane {
                luma[i] = 255 * (0.299 * Double(p[i]) + 0.587 * Double(p[plane + i]) + 0.114 * Double(p[2 * plane + i]))
            }
        }
        var sum = 0.0, squares = 0.0
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let l = luma[i - 1] + luma[i + 1] + luma[i - w] + luma[i + w] - 4 * luma[i]
                sum += l
                squares += l * l
            }
        }
        let n = Double((w - 2) * (h - 2))
        let mean = sum / n
        return max(0, squares / n - mean * mean)
    }
}
