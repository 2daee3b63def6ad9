import Pipeline
import Corpus
import Alignment
import Foundation
import Media
import Tensor

extension AlignmentTraining {
    // MARK: - Calibration

    /// Fits the retrieval stage's settings: the gap likelihood of the picture change (`GapLikelihood.fit` on
    /// `fitClips` drop patterns), the continuity weight μ of `dp-prior`, the temperatures of the posteriors and the
    /// threshold β, each chosen by the lowest mean Ali_b on
    /// `scoreClips`. λ stays at its default (under Bernoulli drops the geometric prior is constant, see
    /// `GapPrior.geometric`).
    /// Everything is fitted twice, with and without column normalisation of D, and the better is kept.
    public static func calibrate(model: AliNetModel, fitClips: [AliNetTrainingClip], scoreClips: [AliNetTrainingClip],
                                 rate: Double, seeds: Int, progress: (String) -> Void = { _ in }) throws -> AliNetCalibration {
        var results: [(AliNetCalibration, Double)] = []
        for normalise in [false, true] {
            model.calibration.normaliseColumns = normalise
            progress("calibrating with column normalisation \(normalise ? "on" : "off")")
            results.append(try calibrateOnce(model: model, fitClips: fitClips, scoreClips: scoreClips, rate: rate, seeds: seeds,
                                             progress: progress))
        }
        let best = results.min { $0.1 < $1.1 } ?? results[0]
        model.calibration = best.0
        return best.0
    }

    static func calibrateOnce(model: AliNetModel, fitClips: [AliNetTrainingClip], scoreClips: [AliNetTrainingClip],
                              rate: Double, seeds: Int, progress: (String) -> Void) throws -> (AliNetCalibration, Double) {
        let size = model.configuration.mouthSize
        var allDistances: [Float] = []
        for clip in scoreClips {
            let mask = try DropSimulation.keepMask(frameCount: clip.count, settings: DropSettings(rate: rate, seed: 77))
            let truth = DropSimulation.survivingPositions(mask)
            guard !truth.isEmpty else { continue }
            let d = try model.distances(mouths: survivorMouths(clip, truth, size: size), frameCount: truth.count,
                                        segments: clip.segments, slotCount: clip.count)
            allDistances += d.values
        }
        var calibration = model.calibration
        // Threshold β: the best of a few quantiles of the distances.
        let sorted = allDistances.sorted()
        if !sorted.isEmpty {
            var best = (beta: calibration.thresholdBeta, bias: Double.infinity)
            for q in [0.005, 0.01, 0.02, 0.05, 0.1, 0.2] {
                calibration.thresholdBeta = sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .threshold, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate threshold β=%.4f (q %.3f): Ali_b %.2f", calibration.thresholdBeta, q, b))
                if b < best.bias { best = (calibration.thresholdBeta, b) }
            }
            calibration.thresholdBeta = best.beta
        }
        // The gap likelihood of the picture change (fitted on the fit clips' true gaps), shared by `dp-prior` and
        // `posterior-visual`; then μ of `dp-prior` (distance units per nat).
        let gap = try fitGapLikelihood(clips: fitClips, rate: rate, seeds: seeds)
        if let gap, !sorted.isEmpty {
            calibration.gapLikelihood = gap
            progress(String(format: "gap likelihood: log change ≈ a + %.3f·log gap, σ = %.3f", gap.slope, gap.sigma))
            var best = (weight: 0.0, bias: Double.infinity)
            let scale = max(1e-6, Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10]))
            for w in [0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0] {
                calibration.continuity = VisualContinuity(gap: gap, weight: w * scale)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .dpPrior, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate dp-prior continuity μ=%.4f: Ali_b %.2f", w * scale, b))
                if b < best.bias { best = (w * scale, b) }
            }
            calibration.continuity = VisualContinuity(gap: gap, weight: best.weight)
        }
        // Posterior-median temperature T, relative to the spread of the distances.
        if !sorted.isEmpty {
            let spread = Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10])
            var best = (t: 1.0, bias: Double.infinity)
            for f in [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0] {
                calibration.temperature = max(1e-6, f * spread)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .posterior, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate posterior T=%.4f: Ali_b %.2f", f * spread, b))
                if b < best.bias { best = (max(1e-6, f * spread), b) }
            }
            calibration.temperature = best.t
        }
        // The temperature of `posterior-visual`: how far Ali-Net's distances are trusted next to the gap likelihood
        // (the largest T all but ignores them).
        if gap != nil, !sorted.isEmpty {
            let spread = Double(sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10])
            var best = (t: 1.0, bias: Double.infinity)
            for f in [0.1, 0.3, 1.0, 3.0, 10.0, 1e4] {
                calibration.visualTemperature = max(1e-6, f * spread)
                model.calibration = calibration
                let b = try bias(model: model, retrieval: .posteriorVisual, clips: scoreClips, rate: rate, seeds: seeds).mean
                progress(String(format: "calibrate posterior-visual T=%.4f: Ali_b %.2f", f * spread, b))
                if b < best.bias { best = (max(1e-6, f * spread), b) }
            }
            calibration.visualTemperature = best.t
        }
        // The retrieval `aligner` uses: the best on the scoring clips.
        model.calibration = calibration
        var choice = (kind: AliNetRetrieval.dpPrior, bias: Double.infinity)
        for kind in [AliNetRetrieval.posterior, .posteriorVisual, .dpPrior, .dpGap, .dp] where gap != nil || !kind.usesVisualChange {
            let b = try bias(model: model, retrieval: kind, clips: scoreClips, rate: rate, seeds: seeds).mean
            if b < choice.bias { choice = (kind, b) }
        }
        calibration.best = choice.kind
        progress(String(format: "best: %@ (Ali_b %.2f)", choice.kind.rawValue, choice.bias))
        model.calibration = calibration
        return (calibration, choice.bias)
    }

    /// The gap likelihood (`GapLikelihood.fit`) of the survivors' thumbnail changes against their true gaps, over
    /// `seeds` Bernoulli drop patterns at `rate` of every clip (seeds 1000 …, not the scoring seeds); nil when the
    /// clips carry no thumbnails.
    public static func fitGapLikelihood(clips: [AliNetTrainingClip], rate: Double, seeds: Int) throws -> GapLikelihood? {
        var changes: [[Float]] = [], gaps: [[Int]] = []
        for clip in clips {
            for seed in 0..<UInt64(max(1, seeds)) {
                let mask = try DropSimulation.keepMask(frameCount: clip.count, settings: DropSettings(rate: rate, seed: 1000 + seed))
                let truth = DropSimulation.survivingPositions(mask)
                guard truth.count >= 3, let c = try survivorChange(clip, truth) else { continue }
                changes.append(c)
                gaps.append(zip(truth.dropFirst(), truth).map { $0 - $1 })
            }
        }
        guard !changes.isEmpty else { return nil }
        return try GapLikelihood.fit(changes: changes, gaps: gaps)
    }
}
