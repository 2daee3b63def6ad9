import Testing
@testable import Tensor

/// Transposed convolution and PReLU (RIFE's layers): forward against direct loops, gradients against finite
/// differences.
@Suite struct ConvTransposeTests {
    /// PyTorch's ConvTranspose2d by its definition: every input pixel scatters its kernel into the output,
    /// out[co, i·s − p + a·d, j·s − p + b·d] += x[ci, i, j] · w[ci, co, a, b].
    static func naiveConvTranspose(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ o: Conv2dOptions) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
        let ho = Tensor.convTransposeOutputSize(h, kernel: kh, options: o), wo = Tensor.convTransposeOutputSize(wd, kernel: kw, options: o)
        var acc = [Double](repeating: 0, count: n * cout * ho * wo)
        for b0 in 0..<n { for ci in 0..<cin { for i in 0..<h { for j in 0..<wd { for co in 0..<cout {
            for a in 0..<kh { for b in 0..<kw {
                let oy = i * o.stride - o.padding + a * o.dilation, ox = j * o.stride - o.padding + b * o.dilation
                guard oy >= 0, oy < ho, ox >= 0, ox < wo else { continue }
                acc[((b0 * cout + co) * ho + oy) * wo + ox] += Double(x[b0, ci, i, j]) * Double(w[ci, co, a, b])
            } }
        } } } } }
        var y = Tensor(zeros: [n, cout, ho, wo])
        for b0 in 0..<n { for co in 0..<cout { for i in 0..<(ho * wo) {
            y[flat: (b0 * cout + co) * ho * wo + i] = Float(acc[(b0 * cout + co) * ho * wo + i]) + (bias?[co] ?? 0)
        } } }
        return y
    }

    // (n, cin, h, w, cout, k, stride, padding, dilation): RIFE's 4×4/2/1 first, then other geometries.
    static let geometries = [
        (1, 6, 5, 4, 5, 4, 2, 1, 1),
        (2, 3, 4, 6, 2, 3, 1, 1, 1),
        (1, 4, 3, 3, 3, 3, 2, 0, 1),
        (2, 2, 4, 5, 3, 3, 2, 1, 2),
    ]

    @Test(arguments: geometries)
    func matchesDirectScatter(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int)) throws {
        let (n, cin, h, w, cout, k, s, p, d) = c
        let o = Conv2dOptions(stride: s, padding: p, dilation: d)
        let x = Support.random([n, cin, h, w], seed: 70), wt = Support.random([cin, cout, k, k], seed: 71)
        let b = Support.random([cout], seed: 72)
        let y = try x.convTranspose2d(weight: wt, bias: b, options: o)
        let ref = Self.naiveConvTranspose(x, wt, b, o)
        #expect(y.shape == ref.shape)
        #expect(y.maxAbsDifference(ref) < 1e-4)
        // Into a reused buffer of the right shape gives the same values (the buffer is cleared first).
        var reused = Tensor(shape: ref.shape, repeating: 7)
        try x.convTranspose2d(weight: wt, bias: b, options: o, into: &reused)
        #expect(reused.maxAbsDifference(ref) < 1e-4)
    }

    @Test func rejectsMismatchedWeight() {
        let x = Support.random([1, 3, 4, 4], seed: 73)
        #expect(throws: TensorError.self) { try x.convTranspose2d(weight: Support.random([2, 5, 4, 4], seed: 74)) }
        #expect(throws: TensorError.self) {
            try x.convTranspose2d(weight: Support.random([3, 5, 4, 4], seed: 74), bias: Support.random([3], seed: 75))
        }
    }

    @Test(arguments: geometries)
    func gradients(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int)) throws {
        let (n, cin, h, w, cout, k, s, p, d) = c
        let o = Conv2dOptions(stride: s, padding: p, dilation: d)
        let x = Support.random([n, cin, h, w], seed: 76), wt = Support.random([cin, cout, k, k], seed: 77)
        let b = Support.random([cout], seed: 78)
        let report = try Support.checkGradients([x, wt, b]) { try $0[0].convTranspose2d(weight: $0[1], bias: $0[2], options: o) }
        #expect(report.failures.isEmpty, "convTranspose2d \(c): \(report.failures.prefix(3))")
        #expect(report.checked > 0)
    }

    // MARK: - PReLU

    @Test func preluForward() throws {
        let x = try Tensor(shape: [1, 2, 1, 3], scalars: [-2, 0.5, 3, -1, -4, 2])
        let a = try Tensor(shape: [2], scalars: [0.25, -0.5])
        #expect(x.prelu(slopes: a).scalars == [-0.5, 0.5, 3, 0.5, 2, 2])
    }

    @Test func preluGradients() throws {
        let x = Support.awayFromZero([2, 3, 4, 3], seed: 79), a = Support.random([3], seed: 80)
        let report = try Support.checkGradients([x, a]) { $0[0].prelu(slopes: $0[1]) }
        #expect(report.failures.isEmpty, "prelu: \(report.failures.prefix(3))")
        #expect(report.checked > 0)
    }
}
