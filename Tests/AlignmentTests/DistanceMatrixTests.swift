import Testing
@testable import Alignment

/// Eq. 8 from embeddings, and the matrix's input checks.
@Suite struct DistanceMatrixTests {
    @Test(arguments: [3, 8, 13, 128]) func euclideanMatchesNaive(dimension d: Int) throws {
        var rng = SeededRNG(seed: UInt64(d))
        let k = 7, n = 70   // n > 64 crosses a cache block
        let a = (0..<(k * d)).map { _ in Float(rng.gaussian()) }
        let b = (0..<(n * d)).map { _ in Float(rng.gaussian()) }
        let m = try DistanceMatrix.euclidean(a, rows: k, b, rows: n, dimension: d)
        #expect(m.rows == k && m.columns == n)
        for i in 0..<k {
            for j in 0..<n {
                var s = 0.0
                for t in 0..<d { let x = Double(a[i * d + t]) - Double(b[j * d + t]); s += x * x }
                #expect(abs(Double(m[i, j]) - s.squareRoot()) < 1e-4 * max(1, s.squareRoot()))
            }
        }
    }

    @Test func identicalEmbeddingsAreAtDistanceZero() throws {
        let e: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let m = try DistanceMatrix.euclidean(e, rows: 1, e, rows: 1, dimension: 10)
        #expect(m[0, 0] == 0)
    }

    @Test func badInputThrows() {
        #expect(throws: AlignmentError.emptyInput("distance matrix 0×5")) {
            try DistanceMatrix(rows: 0, columns: 5, values: [])
        }
        #expect(throws: AlignmentError.self) { try DistanceMatrix(rows: 2, columns: 2, values: [1, 2, 3]) }
        #expect(throws: AlignmentError.nonFiniteValue("distance (1, 0)")) {
            try DistanceMatrix(rows: 2, columns: 2, values: [1, 2, .nan, 4])
        }
        #expect(throws: AlignmentError.self) {
            try DistanceMatrix.euclidean([1, .infinity], rows: 1, [0, 0], rows: 1, dimension: 2)
        }
        #expect(throws: AlignmentError.self) { try DistanceMatrix.euclidean([1, 2], rows: 1, [0], rows: 1, dimension: 2) }
    }
}
