/// PSNR, SSIM and MS-SSIM of one restored frame against its ground truth, under one convention.
public struct QualityScores: Sendable, Hashable, Codable {
    /// PSNR in dB (+∞ or the cap for identical frames).
    public var psnr: Double
    /// SSIM in [−1, 1].
    public var ssim: Double
    /// MS-SSIM, nil when it was not requested or the frame is below `MSSSIM.minimumSide`.
    public var msssim: Double?

    public init(psnr: Double, ssim: Double, msssim: Double?) {
        self.psnr = psnr
        self.ssim = ssim
        self.msssim = msssim
    }
}

/// The one place that scores a restored frame: all metrics under one convention.
public enum ImageQuality {
    /// Scores `restored` against `reference`. MS-SSIM is computed when `msssim` is true and the frame is large
    /// enough for five scales (smaller frames get nil rather than a non-comparable value).
    public static func scores(_ restored: PlanarImage, _ reference: PlanarImage,
                              convention: MetricConvention = .standard,
                              psnrCap: Double = .infinity,
                              msssim: Bool = true) throws(MetricsError) -> QualityScores {
        // Prepare once; the metrics below then use the raw convention (no second rounding / conversion).
        let (a, b) = try convention.preparePair(restored, reference)
        let raw = MetricConvention(color: .rgb, roundTo8Bit: false)
        let p = try PSNR.compute(a, b, convention: raw, cap: psnrCap)
        let s = try SSIM.compute(a, b, convention: raw)
        var m: Double?
        if msssim, min(a.width, a.height) >= MSSSIM.minimumSide {
            m = try MSSSIM.compute(a, b, convention: raw)
        }
        return QualityScores(psnr: p, ssim: s, msssim: m)
    }
}

/// Means of per-frame scores over the restored frames of a clip or a corpus (never over surviving frames).
public struct QualitySummary: Sendable, Hashable, Codable {
    /// Frames averaged.
    public let frames: Int
    /// Mean of per-frame PSNR (dB); +∞ if any frame was identical and no cap was used.
    public let psnr: Double
    /// Mean SSIM.
    public let ssim: Double
    /// Mean MS-SSIM over the frames that have one, nil when none has.
    public let msssim: Double?

    /// Averages scores; throws on an empty list.
    public init(_ scores: [QualityScores]) throws(MetricsError) {
        guard !scores.isEmpty else { throw .invalidArgument("quality summary needs at least one frame") }
        let n = Double(scores.count)
        frames = scores.count
        psnr = scores.map(\.psnr).reduce(0, +) / n
        ssim = scores.map(\.ssim).reduce(0, +) / n
        let ms = scores.compactMap(\.msssim)
        msssim = ms.isEmpty ? nil : ms.reduce(0, +) / Double(ms.count)
    }
}
