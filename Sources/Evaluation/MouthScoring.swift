import Foundation
import Landmarks
import Media
import Metrics
import Restoration

// MARK: - Summaries

/// A method's mouth scores over a set of restored frames (issue 14): PSNR and SSIM inside the true frame's mouth box
/// and LMD — the mean distance between the restored and the true frame's 20 mouth landmarks, in inter-ocular
/// distances of the true frame.
public struct MouthSummary: Sendable, Hashable, Codable {
    /// Frames with a mouth box (the true frame's landmarks were found).
    public var frames: Int
    public var psnr: Double
    public var ssim: Double
    /// Frames whose restored picture also gave landmarks (LMD is over these).
    public var lmdFrames: Int
    /// Mean LMD in inter-ocular distances; nil when no restored frame gave landmarks.
    public var lmd: Double?
}

/// The mouth scores of one method on one drop pattern: over every restored frame and over those where the true mouth
/// moves (`MouthMotion.moving` on the true inner-lip aperture).
public struct MouthScores: Sendable, Hashable, Codable {
    public var all: MouthSummary?
    public var moving: MouthSummary?
}

// MARK: - The true frames' mouths

/// The landmarks of every true frame of a clip, its per-frame mouth boxes and which frames' mouths move; found once
/// per clip and used for every method and drop pattern.
///
/// A frame where no face or no landmarks are found has no mouth box: it is left out of the mouth scores (the face-crop
/// scores still count it) and `note` says how many were.
public struct MouthReference: Sendable {
    /// Inner-aperture change (in inter-ocular distances) from a neighbouring frame above which a frame's mouth moves.
    public static let movingThreshold = 0.02
    /// Landmarks per slot (nil where none were found).
    public let landmarks: [FaceLandmarks?]
    /// Mouth box per slot, clamped to the frame.
    public let boxes: [PixelRect?]
    /// Whether the true mouth moves at each slot.
    public let moving: [Bool]
    /// What was not found, for the report; nil when every frame gave landmarks.
    public let note: String?
    /// The detector that found them (used again on the restored frames).
    let detector: LandmarkDetector

    /// Finds the landmarks of every frame of a face-cropped clip with `detector`.
    public init(frames: [VideoFrame], detector: LandmarkDetector, faces: FaceDetector) {
        self.detector = detector
        var found: [FaceLandmarks?] = []
        var box: PixelRect?  // the last face box seen, for frames where the cascade misses
        for frame in frames {
            if let b = try? faces.largestFace(in: frame) { box = b }
            found.append(box.flatMap { try? detector.landmarks(in: frame, cascadeBox: $0) })
        }
        landmarks = found
        // SSIM needs an 11×11 window.
        boxes = zip(found, frames).map { l, f in l.flatMap { Self.mouthBox($0, width: f.width, height: f.height) } }
        moving = MouthMotion.moving(apertures: found.map { l in l.flatMap { try? Double($0.lipGeometry().innerAperture) } },
                                    threshold: Self.movingThreshold)
        let missing = found.filter { $0 == nil }.count
        note = missing == 0 ? nil : "no face or landmarks in \(missing) of \(frames.count) frames: mouth scores leave them out"
    }

    /// The mouth scores of one restored frame against its truth: PSNR and SSIM inside `box` (the true frame's mouth
    /// box) and LMD, the mean distance of the 20 mouth points dlib finds in the restored frame (searched from the box
    /// the true points give) to the true points, in inter-ocular distances (nil when none are found). `evaluate --mouth`
    /// and the inspector's frame line both score here.
    public static func frameScores(restored image: PlanarImage, truth: PlanarImage, truthLandmarks: FaceLandmarks, box: PixelRect,
                                   detector: LandmarkDetector, convention: MetricConvention = .standard) throws(MetricsError)
        -> (psnr: Double, ssim: Double, lmd: Double?) {
        let region = (x: box.x, y: box.y, width: box.width, height: box.height)
        let psnr = try RegionScores.psnr(image, truth, in: region, convention: convention, cap: 100)
        let ssim = try RegionScores.ssim(image, truth, in: region, convention: convention)
        // The restored frame's points, predicted from the box the true frame's points gave.
        let lmd: Double? = (try? VideoFrame(width: image.width, height: image.height, planar: image.pixels)).flatMap { picture in
            guard let points = try? detector.landmarks(in: picture, dlibBox: LandmarkDetector.dlibBox(around: truthLandmarks)) else { return nil }
            return try? LandmarkDistance.compute(points.mouthPoints.map { SIMD2($0.x, $0.y) },
                                                 truthLandmarks.mouthPoints.map { SIMD2($0.x, $0.y) },
                                                 normaliser: Double(truthLandmarks.interOcularDistance))
        }
        return (psnr, ssim, lmd)
    }

    /// The mouth box of `landmarks` in a frame of `width`×`height`, clamped, nil when smaller than SSIM's window.
    public static func mouthBox(_ landmarks: FaceLandmarks, width: Int, height: Int) -> PixelRect? {
        let r = landmarks.mouthBox().clamped(width: width, height: height)
        return r.width >= SSIM.windowSize && r.height >= SSIM.windowSize ? r : nil
    }

    /// Mouth scores of restored frames at `slots` (with their true pictures `reference`).
    func scores(restored: [SlotFrame], slots: [Int], reference: [PlanarImage], detector: LandmarkDetector,
                convention: MetricConvention) throws(MetricsError) -> MouthScores {
        struct Frame { var psnr, ssim: Double; var lmd: Double?; var moving: Bool }
        var frames: [Frame] = []
        for (i, slot) in slots.enumerated() {
            guard slot < boxes.count, let box = boxes[slot], let truth = landmarks[slot] else { continue }
            let image = try PlanarImage(width: restored[i].width, height: restored[i].height, pixels: restored[i].planes)
            let one = try Self.frameScores(restored: image, truth: reference[i], truthLandmarks: truth, box: box,
                                           detector: detector, convention: convention)
            let (psnr, ssim, lmd) = (one.psnr, one.ssim, one.lmd)
            frames.append(Frame(psnr: psnr, ssim: ssim, lmd: lmd, moving: moving[slot]))
        }
        func summary(_ fs: [Frame]) -> MouthSummary? {
            guard !fs.isEmpty else { return nil }
            let n = Double(fs.count), l = fs.compactMap(\.lmd)
            return MouthSummary(frames: fs.count, psnr: fs.map(\.psnr).reduce(0, +) / n, ssim: fs.map(\.ssim).reduce(0, +) / n,
                                lmdFrames: l.count, lmd: l.isEmpty ? nil : l.reduce(0, +) / Double(l.count))
        }
        return MouthScores(all: summary(frames), moving: summary(frames.filter(\.moving)))
    }
}

// MARK: - Report

/// A method's mouth columns in the report: means over clip × seed results with 95% intervals.
public struct MouthRow: Sendable, Codable {
    public var psnr, ssim: SummaryStatistics
    public var lmd: SummaryStatistics?
    public var movingPSNR, movingSSIM, movingLMD: SummaryStatistics?

    /// Nil when no result has mouth scores.
    init?(_ scores: [MouthScores]) {
        let all = scores.compactMap(\.all), moving = scores.compactMap(\.moving)
        guard !all.isEmpty else { return nil }
        func stats(_ xs: [Double]) -> SummaryStatistics? { xs.isEmpty ? nil : SummaryStatistics(xs) }
        psnr = SummaryStatistics(all.map(\.psnr))
        ssim = SummaryStatistics(all.map(\.ssim))
        lmd = stats(all.compactMap(\.lmd))
        movingPSNR = stats(moving.map(\.psnr))
        movingSSIM = stats(moving.map(\.ssim))
        movingLMD = stats(moving.compactMap(\.lmd))
    }
}

extension EvaluationReport {
    /// The mouth table (empty when no row has mouth scores).
    func mouthText() -> [String] {
        let rows = self.rows.compactMap { r in r.mouth.map { (r.method, $0) } }
        guard !rows.isEmpty else { return [] }
        let cell = Self.cell
        let header = ["method", "mouth PSNR", "mouth SSIM", "LMD (IOD)", "moving: PSNR", "SSIM", "LMD"]
        var table = [header]
        for (name, m) in rows {
            table.append([name, cell(m.psnr, 2), cell(m.ssim, 4), cell(m.lmd, 4), cell(m.movingPSNR, 2), cell(m.movingSSIM, 4),
                          cell(m.movingLMD, 4)])
        }
        return ["", "mouth box of the true frame's landmarks; LMD over the 20 mouth points in inter-ocular distances; " +
                "moving: frames whose true inner-lip aperture changes by > \(MouthReference.movingThreshold) from a neighbour"]
            + Self.layout(table) + mouthNotes.map { "note: \($0)" }
    }
}
