import Foundation

// MARK: - Regions

extension PlanarImage {
    /// A pixel rectangle: origin (x, y) and size.
    public typealias Region = (x: Int, y: Int, width: Int, height: Int)

    /// The pixels of the rectangle `region` (x right, y down), every plane; throws `.invalidArgument` unless it is
    /// non-empty and inside the image. (Callers holding a Media `PixelRect` clamp it to the frame first; Metrics does
    /// not import Media.)
    public func cropped(to region: Region) throws(MetricsError) -> PlanarImage {
        let r = region
        guard r.width > 0, r.height > 0, r.x >= 0, r.y >= 0, r.x + r.width <= width, r.y + r.height <= height else {
            throw .invalidArgument("region \(r.width)×\(r.height)+\(r.x)+\(r.y) is empty or not inside the \(width)×\(height) image")
        }
        var out = [Float](repeating: 0, count: channels * r.width * r.height)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for row in 0..<r.height {
                        let s = c * planeSize + (r.y + row) * width + r.x, d = (c * r.height + row) * r.width
                        for i in 0..<r.width { dst[d + i] = src[s + i] }
                    }
                }
            }
        }
        return try PlanarImage(width: r.width, height: r.height, channels: channels, pixels: out)
    }
}

/// PSNR and SSIM over a region of the frame (issue 14's mouth box): the project's one PSNR and SSIM, applied to the
/// region cut out of both images (so every convention — 8-bit rounding, RGB or luma — is the whole-frame one).
public enum RegionScores {
    /// PSNR of `restored` against `reference` inside `region`, at most `cap`.
    public static func psnr(_ restored: PlanarImage, _ reference: PlanarImage, in region: PlanarImage.Region,
                            convention: MetricConvention = .standard, cap: Double = .infinity) throws(MetricsError) -> Double {
        try requireSameSize(restored, reference)
        return try PSNR.compute(try restored.cropped(to: region), try reference.cropped(to: region), convention: convention, cap: cap)
    }

    /// SSIM of `restored` against `reference` inside `region` (at least 11×11 pixels).
    public static func ssim(_ restored: PlanarImage, _ reference: PlanarImage, in region: PlanarImage.Region,
                            convention: MetricConvention = .standard) throws(MetricsError) -> Double {
        try requireSameSize(restored, reference)
        return try SSIM.compute(try restored.cropped(to: region), try reference.cropped(to: region), convention: convention)
    }

    static func requireSameSize(_ a: PlanarImage, _ b: PlanarImage) throws(MetricsError) {
        guard a.width == b.width, a.height == b.height, a.channels == b.channels else {
            throw .sizeMismatch("\(a.sizeDescription) vs \(b.sizeDescription)")
        }
    }
}

// MARK: - Landmark distance

/// Landmark distance (LMD; Chen et al., ATVGnet, CVPR 2019): the mean Euclidean distance between corresponding
/// landmarks of the restored and the true frame — over the 20 mouth points (dlib 48–67), the talking-face
/// literature's lip metric.
///
/// A pure function of two point sets in the same pixel frame; `normaliser` (e.g. the true frame's inter-ocular
/// distance) divides the result, so faces of different sizes can be averaged. Averaging over frames is the caller's
/// (one value per restored frame, then `SummaryStatistics`).
public enum LandmarkDistance {
    /// mean_i ‖restored_i − reference_i‖ / normaliser. Throws on different counts, no points, non-finite points or
    /// a normaliser that is not positive.
    public static func compute(_ restored: [SIMD2<Float>], _ reference: [SIMD2<Float>],
                               normaliser: Double = 1) throws(MetricsError) -> Double {
        guard restored.count == reference.count else {
            throw .sizeMismatch("\(restored.count) vs \(reference.count) landmarks")
        }
        guard !restored.isEmpty else { throw .invalidArgument("no landmarks to compare") }
        guard normaliser > 0, normaliser.isFinite else { throw .invalidArgument("normaliser \(normaliser) must be positive") }
        var sum = 0.0
        for (a, b) in zip(restored, reference) {
            let dx = Double(a.x) - Double(b.x), dy = Double(a.y) - Double(b.y)
            guard dx.isFinite, dy.isFinite else { throw .invalidArgument("a landmark is not finite") }
            sum += (dx * dx + dy * dy).squareRoot()
        }
        return sum / Double(restored.count) / normaliser
    }
}

// MARK: - Frames where the mouth moves

/// Which frames count as "the mouth moves": the true mouth aperture (e.g. the inner-lip aperture in eye distances)
/// changes by more than `threshold` from the previous frame or to the next one.
public enum MouthMotion {
    /// For each frame, whether |a_t − a_{t−1}| or |a_{t+1} − a_t| exceeds `threshold`; nil apertures (no landmarks
    /// found) are never moving and do not make their neighbours move.
    public static func moving(apertures: [Double?], threshold: Double) -> [Bool] {
        apertures.indices.map { t in
            guard let a = apertures[t] else { return false }
            func changed(_ u: Int) -> Bool {
                guard apertures.indices.contains(u), let b = apertures[u] else { return false }
                return abs(a - b) > threshold
            }
            return changed(t - 1) || changed(t + 1)
        }
    }
}
