import Foundation

/// Triangular mel filters over the `nfft/2 + 1` power-spectrum bins, stored sparsely (first bin + weights).
public struct MelFilterbank: Sendable {
    /// One filter: weights for bins `first ..< first + weights.count`.
    public struct Filter: Sendable {
        public let first: Int
        public let weights: [Double]
    }

    /// Number of power-spectrum bins the filters read (`nfft/2 + 1`).
    public let binCount: Int
    /// The filters, lowest band first.
    public let filters: [Filter]

    // MARK: - HTK mel on rounded bins (python_speech_features.get_filterbanks)

    /// python_speech_features' filterbank: mel = 2595·log10(1 + f/700), `bands + 2` points evenly spaced in
    /// mel from 0 to `rate/2`, bin edges `floor((nfft + 1)·hz/rate)`, rising ramps `(i − b_j)/(b_{j+1} − b_j)` and
    /// falling ramps `(b_{j+2} − i)/(b_{j+2} − b_{j+1})`.
    public static func htkBins(bands: Int, nfft: Int, sampleRate: Int) -> MelFilterbank {
        let high = Double(sampleRate) / 2
        let highMel = 2595 * log10(1 + high / 700)
        let edges: [Int] = (0..<(bands + 2)).map { p in
            // numpy.linspace(0, highMel, bands + 2)
            let mel = bands + 1 == 0 ? 0 : highMel * Double(p) / Double(bands + 1)
            let hz = 700 * (pow(10, mel / 2595) - 1)
            return Int((Double(nfft + 1) * hz / Double(sampleRate)).rounded(.down))
        }
        var filters: [Filter] = []
        for j in 0..<bands {
            let a = edges[j], b = edges[j + 1], c = edges[j + 2]
            var w: [Double] = []
            for i in a..<max(a, b) { w.append(Double(i - a) / Double(b - a)) }
            for i in b..<max(b, c) { w.append(Double(c - i) / Double(c - b)) }
            filters.append(Filter(first: a, weights: w))
        }
        return MelFilterbank(binCount: nfft / 2 + 1, filters: filters)
    }

    // MARK: - Slaney mel with area normalisation (librosa.filters.mel, htk=False, norm="slaney")

    /// librosa's default filterbank: Slaney mel (linear below 1 kHz at 200/3 Hz per mel, logarithmic above
    /// with step log(6.4)/27), `bands + 2` points from 0 Hz to `rate/2`, triangles evaluated at the exact
    /// bin frequencies `k·rate/nfft`, each scaled by `2/(f_{j+2} − f_j)`.
    public static func slaney(bands: Int, nfft: Int, sampleRate: Int) -> MelFilterbank {
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
        func hzToMel(_ f: Double) -> Double { f >= minLogHz ? minLogMel + log(f / minLogHz) / logStep : f / fSp }
        func melToHz(_ m: Double) -> Double { m >= minLogMel ? minLogHz * exp(logStep * (m - minLogMel)) : fSp * m }
        let binCount = nfft / 2 + 1
        let fmax = Double(sampleRate) / 2
        let maxMel = hzToMel(fmax)
        let melF: [Double] = (0..<(bands + 2)).map { melToHz(maxMel * Double($0) / Double(bands + 1)) }
        // numpy.fft.rfftfreq-equivalent: linspace(0, rate/2, binCount)
        let fft: [Double] = (0..<binCount).map { fmax * Double($0) / Double(binCount - 1) }
        var filters: [Filter] = []
        for i in 0..<bands {
            let lowDiff = melF[i + 1] - melF[i], highDiff = melF[i + 2] - melF[i + 1]
            let enorm = 2 / (melF[i + 2] - melF[i])
            var first = -1
            var weights: [Double] = []
            for k in 0..<binCount {
                let lower = (fft[k] - melF[i]) / lowDiff
                let upper = (melF[i + 2] - fft[k]) / highDiff
                let w = max(0, min(lower, upper)) * enorm
                if w > 0 {
                    if first < 0 { first = k }
                    // keep interior zeros so the run stays contiguous
                    while first + weights.count < k { weights.append(0) }
                    weights.append(w)
                }
            }
            filters.append(Filter(first: max(first, 0), weights: weights))
        }
        return MelFilterbank(binCount: binCount, filters: filters)
    }

    /// Applies every filter to one power spectrum (`binCount` values), writing `filters.count` energies.
    @inline(__always)
    func apply(_ power: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for (b, f) in filters.enumerated() {
            var s = 0.0
            f.weights.withUnsafeBufferPointer { w in
                for t in 0..<w.count { s += w[t] * power[f.first + t] }
            }
            out[b] = s
        }
    }
}
