/// The k × n matrix of distances between surviving frames (rows) and slot audio segments (columns), Eq. 8, stored
/// over a `SlotBand`: row i keeps only the columns of its band, every other cell is +∞ (the frame cannot sit
/// there). With a full band (the default, and every short clip) this is the plain row-major k × n matrix.
public struct DistanceMatrix: Sendable, Equatable {
    /// k: surviving frames.
    public let rows: Int
    /// n: original frame slots.
    public let columns: Int
    /// The columns each row keeps.
    public let band: SlotBand
    /// `rows × band.width` stored distances, row-major (row i = frame i, column 0 = slot `band.start[i]`); with a
    /// full band exactly the k × n matrix.
    public let values: [Float]

    /// Wraps precomputed distances of a full k × n matrix. Throws on an empty shape, a count mismatch or a NaN/∞
    /// entry.
    public init(rows: Int, columns: Int, values: [Float]) throws(AlignmentError) {
        guard rows > 0, columns > 0 else { throw .emptyInput("distance matrix \(rows)×\(columns)") }
        try self.init(band: .full(rows: rows, columns: columns), values: values)
    }

    /// Wraps precomputed distances of the cells `band` keeps (`band.cellCount` values, row-major in the band).
    public init(band: SlotBand, values: [Float]) throws(AlignmentError) {
        guard band.rows > 0, band.columns > 0 else { throw .emptyInput("distance matrix \(band.rows)×\(band.columns)") }
        guard values.count == band.cellCount else {
            throw .shapeMismatch(band.isFull ? "\(values.count) distances for a \(band.rows)×\(band.columns) matrix"
                                             : "\(values.count) distances for a band of \(band.rows)×\(band.width)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue("distance (\(bad / band.width), \(band.start[bad / band.width] + bad % band.width))")
        }
        rows = band.rows
        columns = band.columns
        self.band = band
        self.values = values
    }

    /// Distance between frame `row` and slot `column` (+∞ outside the band).
    public subscript(row: Int, column: Int) -> Float {
        band.contains(row, column) ? values[band.index(row, column)] : .infinity
    }

    /// One frame's stored distances (its band's columns; every slot when the band is full).
    public func row(_ index: Int) -> ArraySlice<Float> { values[(index * band.width)..<((index + 1) * band.width)] }

    /// The full k × n matrix, +∞ outside the band (for viewers and tests of small clips).
    public func dense() -> [Float] {
        if band.isFull { return values }
        var out = [Float](repeating: .infinity, count: rows * columns)
        for i in 0..<rows {
            for j in band.range(i) { out[i * columns + j] = values[band.index(i, j)] }
        }
        return out
    }

    // MARK: - Eq. 8 from embeddings

    /// D_ij = ‖a_i − b_j‖₂ (Eqs. 7–8) for `a` (k × d, row-major: frame embeddings) and `b` (n × d: slot audio
    /// embeddings).
    ///
    /// Computed directly as a sum of squared differences (not the ‖a‖² + ‖b‖² − 2a·b expansion, which
    /// cancels badly when embeddings are close — exactly the cells the DP cares about), eight lanes at a
    /// time, with `b` walked in blocks of 64 rows so a block stays in cache while every `a` row passes over it.
    /// Only the cells of `band` (default: all) are computed and stored.
    public static func euclidean(_ a: [Float], rows k: Int, _ b: [Float], rows n: Int,
                                 dimension d: Int, band given: SlotBand? = nil) throws(AlignmentError) -> DistanceMatrix {
        let band = given ?? .full(rows: k, columns: n)
        return try DistanceMatrix(band: band, values: try euclideanValues(a, rows: k, b, rows: n, dimension: d, band: band))
    }

    /// The stored cells of `euclidean(…)` (`band.cellCount` values, row-major in the band), for callers that
    /// transform them in place before wrapping them.
    public static func euclideanValues(_ a: [Float], rows k: Int, _ b: [Float], rows n: Int,
                                       dimension d: Int, band given: SlotBand? = nil) throws(AlignmentError) -> [Float] {
        guard k > 0, n > 0, d > 0 else { throw .emptyInput("embeddings \(k)×\(d) and \(n)×\(d)") }
        guard a.count == k * d else { throw .shapeMismatch("\(a.count) values for \(k) frame embeddings of \(d)") }
        guard b.count == n * d else { throw .shapeMismatch("\(b.count) values for \(n) slot embeddings of \(d)") }
        if let bad = a.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("frame embedding \(bad / d)") }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("slot embedding \(bad / d)") }
        let band = given ?? .full(rows: k, columns: n)
        guard band.rows == k, band.columns == n else { throw .shapeMismatch("a \(band.rows)×\(band.columns) band for \(k)×\(n) distances") }
        var out = [Float](repeating: 0, count: band.cellCount)
        let width = band.width
        let lanes = d / 8 * 8
        a.withUnsafeBufferPointer { abuf in
            b.withUnsafeBufferPointer { bbuf in
                out.withUnsafeMutableBufferPointer { op in
                    guard let ap = abuf.baseAddress, let bp = bbuf.baseAddress else { return }
                    let ar = UnsafeRawPointer(ap), br = UnsafeRawPointer(bp)
                    let block = 64
                    var j0 = 0
                    while j0 < n {
                        let j1 = min(n, j0 + block)
                        for i in 0..<k {
                            let ai = i * d
                            let lo = max(j0, band.start[i]), hi = min(j1, band.start[i] + width)
                            guard lo < hi else { continue }
                            let base = i * width - band.start[i]
                            for j in lo..<hi {
                                op[base + j] = cell(ap, ar, ai, bp, br, j * d, d, lanes)
                            }
                        }
                        j0 = j1
                    }
                }
            }
        }
        return out
    }

    /// ‖a_i − b_j‖₂ of one cell: eight lanes at a time, then the remainder.
    @inline(__always)
    static func cell(_ ap: UnsafePointer<Float>, _ ar: UnsafeRawPointer, _ ai: Int, _ bp: UnsafePointer<Float>,
                     _ br: UnsafeRawPointer, _ bj: Int, _ d: Int, _ lanes: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var t = 0
        while t < lanes {
            let va = ar.loadUnaligned(fromByteOffset: 4 * (ai + t), as: SIMD8<Float>.self)
            let vb = br.loadUnaligned(fromByteOffset: 4 * (bj + t), as: SIMD8<Float>.self)
            let diff = va - vb
            acc += diff * diff   // not addingProduct: without -mfma it calls libm fma per lane
            t += 8
        }
        var s = acc.sum()
        while t < d {
            let diff = ap[ai + t] - bp[bj + t]
            s += diff * diff
            t += 1
        }
        return s.squareRoot()
    }

    /// Mean and standard deviation over all k frames of every column j of D (Eq. 8), computed cell by cell without
    /// storing the k × n matrix (one pass, sums in Double): what a banded matrix's column normalisation needs.
    public static func columnMoments(_ a: [Float], rows k: Int, _ b: [Float], rows n: Int,
                                     dimension d: Int) throws(AlignmentError) -> (mean: [Float], sd: [Float]) {
        guard k > 0, n > 0, d > 0 else { throw .emptyInput("embeddings \(k)×\(d) and \(n)×\(d)") }
        guard a.count == k * d, b.count == n * d else { throw .shapeMismatch("embeddings of \(a.count) and \(b.count) values") }
        var s1 = [Double](repeating: 0, count: n), s2 = s1
        let lanes = d / 8 * 8
        a.withUnsafeBufferPointer { abuf in
            b.withUnsafeBufferPointer { bbuf in
                guard let ap = abuf.baseAddress, let bp = bbuf.baseAddress else { return }
                let ar = UnsafeRawPointer(ap), br = UnsafeRawPointer(bp)
                var j0 = 0
                while j0 < n {
                    let j1 = min(n, j0 + 64)
                    for i in 0..<k {
                        for j in j0..<j1 {
                            let v = Double(cell(ap, ar, i * d, bp, br, j * d, d, lanes))
                            s1[j] += v
                            s2[j] += v * v
                        }
                    }
                    j0 = j1
                }
            }
        }
        let kk = Double(k)
        let mean = s1.map { $0 / kk }
        let sd = zip(s2, mean).map { max(0, $0 / kk - $1 * $1).squareRoot() }
        return (mean.map { Float($0) }, sd.map { Float($0) })
    }
}
