import Foundation

// MARK: - Band tables one row at a time

/// A k × w table over a `SlotBand` that the forward–backward reads one row at a time instead of holding it whole:
/// the given distances (`DistanceMatrix`), the fused energies α·D + β·N (`FusedPosteriorEstimator`), or a flat
/// table of zeros (`visual`, no distances). Row i holds the `band.width` cells of its band, slot `band.start[i]`
/// first; every cell outside the band is +∞ (probability 0).
///
/// `PosteriorMedianEstimator` asks for rows as its sweeps need them (each row about twice per forward–backward,
/// see `PosteriorMedianEstimator.sweep`), so a source that computes its rows holds only the w-long buffers it
/// fills. `fill` must give the same values every time it is asked for the same row.
protocol BandRows {
    /// The band the rows are kept over (k = `band.rows`, n = `band.columns`).
    var band: SlotBand { get }

    /// Writes row i's `band.width` values into `out[offset ..< offset + band.width]`. Throws a typed error when the
    /// row cannot be computed (a non-finite energy).
    mutating func fill(row i: Int, into out: inout [Float], at offset: Int) throws(AlignmentError)
}

extension DistanceMatrix: BandRows {
    /// Copies the stored row i (its band's cells).
    func fill(row i: Int, into out: inout [Float], at offset: Int) throws(AlignmentError) {
        let w = band.width, base = i * w
        for t in 0..<w { out[offset + t] = values[base + t] }
    }
}

/// Rows of zeros over a band: every slot of the band equally likely (the posterior without distances).
struct FlatBandRows: BandRows {
    let band: SlotBand

    func fill(row i: Int, into out: inout [Float], at offset: Int) throws(AlignmentError) {
        for t in 0..<band.width { out[offset + t] = 0 }
    }
}
