import Foundation
@testable import Alignment

// MARK: - Today's full-table forward–backward (reference)

/// A copy of the alignment path as it was before the streamed sweep (commit 59a47e7): the emissions, forward,
/// backward and marginals as k × w tables, the fused energies and lip-geometry costs as k × w tables, and EM's M step
/// over the table of marginals. `StreamedSweepTests` checks that the streamed estimators give exactly these results.
enum FullTableReference {
    // MARK: Posterior

    /// `PosteriorMedianEstimator.bandMarginals` as it was.
    static func bandMarginals(_ p: PosteriorMedianEstimator, _ d: DistanceMatrix, visualChange: [Float]? = nil) throws -> BandMarginals {
        let k = d.rows, n = d.columns, band = d.band, w = band.width
        guard k <= n else { throw AlignmentError.moreFramesThanSlots(frames: k, slots: n) }
        guard p.temperature.isFinite, p.temperature > 0 else { throw AlignmentError.invalidSetting("temperature") }
        if let cue = visualChange, let model = p.gapLikelihood, k >= 2 {
            return try gapMarginals(p, d, cue: cue, model: model)
        }
        let invT = 1 / p.temperature
        let dv = d.values
        var f = [Double](repeating: -.infinity, count: band.cellCount)
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(p, frame: i, slot: j, frames: k, slots: n) }
        for j in band.range(0) where allowed(0, j) { f[band.index(0, j)] = -Double(dv[band.index(0, j)]) * invT }
        for i in 1..<max(k, 1) {
            let prevLo = band.start[i - 1], prevBase = (i - 1) * w - prevLo, lo = band.start[i]
            var prefix = -Double.infinity
            for j in prevLo..<min(lo, prevLo + w) { prefix = logAdd(prefix, f[prevBase + j]) }
            for j in band.range(i) {
                if allowed(i, j) { f[band.index(i, j)] = -Double(dv[band.index(i, j)]) * invT + prefix }
                if band.contains(i - 1, j) { prefix = logAdd(prefix, f[prevBase + j]) }
            }
        }
        var b = [Double](repeating: -.infinity, count: band.cellCount)
        for j in band.range(k - 1) where allowed(k - 1, j) || k == 1 { b[band.index(k - 1, j)] = 0 }
        if k >= 2 {
            for i in stride(from: k - 2, through: 0, by: -1) {
                let nextLo = band.start[i + 1], nextBase = (i + 1) * w - nextLo, hi = band.start[i] + w
                var suffix = -Double.infinity
                func take(_ j: Int) {
                    if allowed(i + 1, j) { suffix = logAdd(suffix, -Double(dv[nextBase + j]) * invT + b[nextBase + j]) }
                }
                for j in stride(from: nextLo + w - 1, through: max(hi, nextLo), by: -1) { take(j) }
                for j in stride(from: hi - 1, through: band.start[i], by: -1) {
                    b[band.index(i, j)] = suffix
                    if band.contains(i + 1, j) { take(j) }
                }
            }
        }
        for i in 0..<k {
            let r = (i * w)..<((i + 1) * w)
            var m = -Double.infinity
            for t in r { f[t] += b[t]; m = max(m, f[t]) }
            guard m.isFinite else {
                for t in r { f[t] = 1 / Double(w) }
                continue
            }
            var s = 0.0
            for t in r { f[t] = exp(f[t] - m); s += f[t] }
            for t in r { f[t] /= s }
        }
        return BandMarginals(band: band, values: f)
    }

    static func gapMarginals(_ p: PosteriorMedianEstimator, _ d: DistanceMatrix, cue: [Float], model: GapLikelihood) throws -> BandMarginals {
        let k = d.rows, n = d.columns, band = d.band, w = band.width
        guard cue.count == k - 1 else { throw AlignmentError.shapeMismatch("visual changes") }
        let g = max(1, min(n - 1, 2 * PriorDPSettings.automaticMaxGap(frames: k, slots: n)))
        let logW = try model.logWeights(changes: cue, frames: k, slots: n, maxGap: g)
        let gw = logW.map { row -> [Double] in let m = row.max() ?? 0; return row.map { exp($0 - m) } }
        let invT = 1 / p.temperature
        var e = [Double](repeating: 0, count: band.cellCount)
        for i in 0..<k {
            var m = Double.infinity
            for t in (i * w)..<((i + 1) * w) { m = min(m, Double(d.values[t])) }
            for t in (i * w)..<((i + 1) * w) { e[t] = exp(-(Double(d.values[t]) - m) * invT) }
        }
        func allowed(_ i: Int, _ j: Int) -> Bool { isAllowed(p, frame: i, slot: j, frames: k, slots: n) }
        var f = [Double](repeating: 0, count: band.cellCount)
        for j in band.range(0) where allowed(0, j) { f[band.index(0, j)] = e[band.index(0, j)] }
        guard rescale(&f, row: 0, width: w) else { throw AlignmentError.invalidSetting("first frame") }
        for i in 1..<max(k, 1) {
            let wi = gw[i - 1]
            let prevLo = band.start[i - 1], prevHi = prevLo + w - 1, prevBase = (i - 1) * w - prevLo
            for j in band.range(i) where allowed(i, j) {
                var acc = 0.0
                let first = max(1, j - prevHi), last = min(g, j, j - prevLo)
                if first <= last {
                    for gap in first...last { acc += f[prevBase + j - gap] * wi[gap - 1] }
                }
                f[band.index(i, j)] = e[band.index(i, j)] * acc
            }
            guard rescale(&f, row: i, width: w) else { throw AlignmentError.invalidSetting("frame \(i)") }
        }
        var b = [Double](repeating: 0, count: band.cellCount)
        for j in band.range(k - 1) where allowed(k - 1, j) { b[band.index(k - 1, j)] = 1 }
        for i in stride(from: k - 2, through: 0, by: -1) {
            let wi = gw[i]
            let nextLo = band.start[i + 1], nextHi = nextLo + w - 1, nextBase = (i + 1) * w - nextLo
            for j in band.range(i) where allowed(i, j) {
                var acc = 0.0
                let first = max(1, nextLo - j), last = min(g, n - 1 - j, nextHi - j)
                if first <= last {
                    for gap in first...last { acc += wi[gap - 1] * e[nextBase + j + gap] * b[nextBase + j + gap] }
                }
                b[band.index(i, j)] = acc
            }
            _ = rescale(&b, row: i, width: w)
        }
        for i in 0..<k {
            let r = (i * w)..<((i + 1) * w)
            var s = 0.0
            for t in r { f[t] *= b[t]; s += f[t] }
            if s > 0, s.isFinite {
                for t in r { f[t] /= s }
            } else {
                for t in r { f[t] = 1 / Double(w) }
            }
        }
        return BandMarginals(band: band, values: f)
    }

    static func isAllowed(_ p: PosteriorMedianEstimator, frame i: Int, slot j: Int, frames k: Int, slots n: Int) -> Bool {
        if p.pinEnds && i == 0 { return j == 0 }
        if p.pinEnds && i == k - 1 { return j == n - 1 }
        return j >= i && j <= n - k + i
    }

    static func rescale(_ m: inout [Double], row: Int, width w: Int) -> Bool {
        var s = 0.0
        for t in (row * w)..<((row + 1) * w) { s += m[t] }
        guard s > 0, s.isFinite else { return false }
        let inv = 1 / s
        for t in (row * w)..<((row + 1) * w) { m[t] *= inv }
        return true
    }

    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }

    /// `PosteriorMedianEstimator.medians` as it was.
    static func medians(_ est: PosteriorMedianEstimator, _ d: DistanceMatrix, visualChange: [Float]? = nil) throws -> [Int] {
        let p = try bandMarginals(est, d, visualChange: visualChange)
        let n = d.columns, k = d.rows
        var out = (0..<k).map { i -> Int in
            var c = 0.0
            for j in p.band.range(i) {
                c += p.values[p.band.index(i, j)]
                if c >= 0.5 { return j }
            }
            return n - 1
        }
        for i in 0..<k {
            let low = i == 0 ? 0 : out[i - 1] + 1
            out[i] = min(max(out[i], low), n - (k - i))
        }
        return out
    }

    // MARK: Fused posterior

    /// `LipGeometryCue.costs(band:)` as it was.
    static func costs(_ cue: LipGeometryCue, band: SlotBand) throws -> DistanceMatrix {
        let g = cue.dimension
        var out = [Float](repeating: 0, count: band.cellCount)
        let inv = cue.variance.map { 1 / (2 * $0) }
        for (i, z) in cue.observed.enumerated() {
            guard let z else { continue }
            for j in band.range(i) {
                var s = 0.0
                for c in 0..<g {
                    let r = Double(z[c]) - cue.scale[c] * Double(cue.expected[j * g + c]) - cue.offset[c]
                    s += r * r * inv[c]
                }
                out[band.index(i, j)] = Float(s)
            }
        }
        return try DistanceMatrix(band: band, values: out)
    }

    /// `LipGeometryCue.adapted(marginals:)` over banded marginals as it was.
    static func adapted(_ cue: LipGeometryCue, marginals p: BandMarginals) -> LipGeometryCue {
        let g = cue.dimension, expected = cue.expected
        let pv = p.values
        var next = cue
        for c in 0..<g {
            var sw = 0.0, sm = 0.0, smm = 0.0, sz = 0.0, szm = 0.0, szz = 0.0
            for (i, z) in cue.observed.enumerated() {
                guard let z else { continue }
                let zi = Double(z[c])
                var em = 0.0, emm = 0.0, w = 0.0
                for j in p.band.range(i) {
                    let pij = pv[p.band.index(i, j)]
                    guard pij > 0 else { continue }
                    let mu = Double(expected[j * g + c])
                    w += pij; em += pij * mu; emm += pij * mu * mu
                }
                sw += w; sm += em; smm += emm; sz += w * zi; szm += zi * em; szz += w * zi * zi
            }
            guard sw > 0 else { continue }
            let varMu = smm / sw - (sm / sw) * (sm / sw)
            var a = varMu > 1e-9 ? (szm / sw - (sz / sw) * (sm / sw)) / varMu : 0
            a = min(max(a, 0), 3)
            let b = (sz - a * sm) / sw
            let rss = szz - 2 * a * szm - 2 * b * sz + a * a * smm + 2 * a * b * sm + b * b * sw
            next.scale[c] = a
            next.offset[c] = b
            next.variance[c] = max(LipGeometryCue.varianceFloor, rss / sw)
        }
        return next
    }

    /// `FusedPosteriorEstimator.energies` as it was.
    static func energies(_ f: FusedPosteriorEstimator, _ input: AlignmentInput, cue: LipGeometryCue?) throws -> DistanceMatrix {
        let band = input.distances?.band ?? SlotBand.prior(frames: input.frameCount, slots: input.slotCount)
        var e = [Float](repeating: 0, count: band.cellCount)
        if let d = input.distances, f.audioWeight > 0 {
            for t in 0..<band.cellCount { e[t] += Float(f.audioWeight) * d.values[t] }
        }
        if let cue, f.geometryWeight > 0 {
            let c = try costs(cue, band: band)
            for t in 0..<band.cellCount { e[t] += Float(f.geometryWeight) * c.values[t] }
        }
        return try DistanceMatrix(band: band, values: e)
    }

    /// The posterior the fused estimator runs (temperature 1, σ/√γ).
    static func posterior(_ f: FusedPosteriorEstimator, _ input: AlignmentInput) -> PosteriorMedianEstimator {
        var gap = f.gapLikelihood
        if f.visualWeight > 0 { gap.sigma = f.gapLikelihood.sigma / f.visualWeight.squareRoot() }
        return PosteriorMedianEstimator(temperature: 1, gapLikelihood: f.visualWeight > 0 && input.visualChange != nil ? gap : nil,
                                        pinEnds: true)
    }

    /// `FusedPosteriorEstimator.adapt` followed by the medians of `estimate`, as it was.
    static func fused(_ f: FusedPosteriorEstimator, _ input: AlignmentInput) throws -> (positions: [Int], cue: LipGeometryCue?) {
        let change = f.visualWeight > 0 ? input.visualChange : nil
        let k = input.frameCount, n = input.slotCount
        let hasGeometry = f.geometryWeight > 0 && (f.geometry?.presentCount ?? 0) > 0
        let hasAudio = f.audioWeight > 0 && input.distances != nil
        let hasVisual = f.visualWeight > 0 && input.visualChange != nil
        var cue = f.geometry
        var energy = try energies(f, input, cue: cue)
        if var current = cue, current.presentCount >= 3, f.geometryWeight > 0 {
            for _ in 0..<max(0, f.iterations) {
                let p = try bandMarginals(posterior(f, input), energy, visualChange: change)
                current = adapted(current, marginals: p)
                energy = try energies(f, input, cue: current)
            }
            cue = current
        }
        // `estimate` places the frames evenly when no term is left (its cue is still the adapted one).
        guard k >= 3, hasGeometry || hasAudio || hasVisual else { return (try UniformEstimator.positions(frames: k, slots: n), cue) }
        return (try medians(posterior(f, input), energy, visualChange: change), cue)
    }
}
