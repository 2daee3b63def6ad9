/// The k × n matrix of distances between surviving frames (rows) and slot audio segments (columns), Eq. 8.
public struct DistanceMatrix: Sendable, Equatable {
    /// k: surviving frames.
    public let rows: Int
    /// n: original frame slots.
    public let columns: Int
    /// `rows × columns` distances, row-major (row i = frame i).
    public let values: [Float]

    /// Wraps precomputed distances. Throws on an empty shape, a count mismatch or a NaN/∞ entry.
    public init(rows: Int, columns: Int, values: [Float]) throws(AlignmentError) {
        guard rows > 0, columns > 0 else { throw .emptyInput("distance matrix \(rows)×\(columns)") }
        guard values.count == rows * columns else {
            throw .shapeMismatch("\(values.count) distances for a \(rows)×\(columns) matrix")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue("distance (\(bad / columns), \(bad % columns))")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Distance between frame `row` and slot `column`.
    public subscript(row: Int, column: Int) -> Float { values[row * columns + column] }

    /// One frame's distances to every slot.
    public func row(_ index: Int) -> ArraySlice<Float> { values[(index * columns)..<((index + 1) * columns)] }

    // MARK: - Eq. 8 from embeddings

    /// D_ij = ‖a_i − b_j‖₂ (Eqs. 7–8) for `a` (k × d, row-major: frame embeddings) and `b` (n × d: slot audio
    /// embeddings).
    ///
    /// Computed directly as a sum of squared differences (not the ‖a‖² + ‖b‖² − 2a·b expansion, which
    /// cancels badly when embeddings are close — exactly the cells the DP cares about), eight lanes at a
    /// time, with `b` walked in blocks of 64 rows so a block stays in cache while every `a` row passes over it.
    public static func euclidean(_ a: [Float], rows k: Int, _ b: [Float], rows n: Int,
                                 dimension d: Int) throws(AlignmentError) -> DistanceMatrix {
        guard k > 0, n > 0, d > 0 else { throw .emptyInput("embeddings \(k)×\(d) and \(n)×\(d)") }
        guard a.count == k * d else { throw .shapeMismatch("\(a.count) values for \(k) frame embeddings of \(d)") }
        guard b.count == n * d else { throw .shapeMismatch("\(b.count) values for \(n) slot embeddings of \(d)") }
        if let bad = a.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("frame embedding \(bad / d)") }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("slot embedding \(bad / d)") }
        var out = [Float](repeating: 0, count: k * n)
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
                            for j in j0..<j1 {
                                let bj = j * d
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
                                op[i * n + j] = s.squareRoot()
                            }
                        }
                        j0 = j1
                    }
                }
            }
        }
        return try DistanceMatrix(rows: k, columns: n, values: out)
    }
}
