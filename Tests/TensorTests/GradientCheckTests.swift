import Testing
@testable import Tensor

/// Every differentiable op's tape gradient agrees with central finite differences
/// (tolerance argued in `Support.checkGradients`), on odd shapes, stride 2, padding and batch > 1.
@Suite struct GradientCheckTests {
    private func expectClean(_ report: Support.GradientReport, _ what: String) {
        #expect(report.checked > 0, "\(what): nothing was checked")
        #expect(report.failures.isEmpty, "\(what): \(report.failures.prefix(5))")
    }

    // MARK: Activations and arithmetic

    @Test func activations() throws {
        let x = Support.awayFromZero([2, 3, 3, 5], seed: 1)
        expectClean(try Support.checkGradients([x]) { $0[0].relu() }, "relu")
        expectClean(try Support.checkGradients([x]) { $0[0].leakyReLU(0.1) }, "leakyReLU")
        expectClean(try Support.checkGradients([x.affine(scale: 3)]) { $0[0].sigmoid() }, "sigmoid")
        expectClean(try Support.checkGradients([x.affine(scale: 2)]) { $0[0].tanh() }, "tanh")
    }

    @Test func arithmeticWithBroadcasting() throws {
        let a = Support.random([2, 3, 4, 5], seed: 2)
        let b = Support.random([2, 1, 4, 5], seed: 3)
        let c = Support.random([1, 3, 1, 1], 0.5...1.5, seed: 4)
        expectClean(try Support.checkGradients([a, b]) { $0[0] + $0[1] }, "add broadcast")
        expectClean(try Support.checkGradients([a, c]) { $0[0] - $0[1] }, "sub broadcast")
        expectClean(try Support.checkGradients([b, a]) { $0[0] * $0[1] }, "mul broadcast")
        expectClean(try Support.checkGradients([a, c]) { $0[0] / $0[1] }, "div broadcast")
        expectClean(try Support.checkGradients([a]) { $0[0].affine(scale: -1.5, shift: 0.25) }, "affine")
    }

    @Test func reductionsAndShapes() throws {
        let a = Support.random([2, 3, 3, 5], seed: 5)
        let b = Support.random([2, 2, 3, 5], seed: 6)
        expectClean(try Support.checkGradients([a]) { $0[0].sum() }, "sum")
        expectClean(try Support.checkGradients([a]) { $0[0].mean() }, "mean")
        expectClean(try Support.checkGradients([a]) { $0[0].sum(toShape: [1, 3, 1, 5]) }, "sum(toShape:)")
        expectClean(try Support.checkGradients([a, b]) { Variable.concatChannels([$0[0], $0[1]]) }, "concatChannels")
        expectClean(try Support.checkGradients([a]) { $0[0].channels(1..<3) }, "channels")
        expectClean(try Support.checkGradients([a]) { try $0[0].reshaped([6, 15]).sigmoid() }, "reshaped")
    }

    // MARK: Convolution and linear

    @Test(arguments: [
        // (n, cin, h, w, cout, k, stride, padding, dilation, groups)
        (1, 3, 5, 7, 4, 3, 1, 1, 1, 1),
        (2, 2, 7, 6, 3, 3, 2, 1, 1, 1),
        (2, 4, 6, 5, 4, 3, 1, 2, 2, 2),
        (1, 4, 5, 5, 6, 1, 1, 0, 1, 1),
        (3, 3, 9, 8, 2, 5, 2, 2, 1, 1),
        (1, 6, 4, 7, 6, 3, 1, 1, 1, 3),
    ])
    func conv2d(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)) throws {
        let (n, cin, h, w, cout, k, s, p, d, g) = c
        let o = Conv2dOptions(stride: s, padding: p, dilation: d, groups: g)
        let x = Support.random([n, cin, h, w], seed: 7)
        let wt = Support.random([cout, cin / g, k, k], seed: 8)
        let b = Support.random([cout], seed: 9)
        expectClean(try Support.checkGradients([x, wt, b]) { try $0[0].conv2d(weight: $0[1], bias: $0[2], options: o) }, "conv2d \(c)")
    }

    @Test func conv2dWithoutInputGradient() throws {
        // The first layer of a network skips dx: the weight gradient must not depend on that.
        let x = Support.random([2, 3, 6, 6], seed: 10), wt = Support.random([2, 3, 3, 3], seed: 11)
        expectClean(try Support.checkGradients([x, wt], wrt: [1]) { try $0[0].conv2d(weight: $0[1], options: .init(padding: 1)) },
                    "conv2d weight only")
    }

    @Test func linear() throws {
        let x = Support.random([3, 5], seed: 12), w = Support.random([4, 5], seed: 13), b = Support.random([4], seed: 14)
        expectClean(try Support.checkGradients([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }, "linear")
    }

    @Test func batchNorm() throws {
        let x = Support.random([3, 2, 3, 5], seed: 15)
        let gamma = Support.random([2], 0.5...1.5, seed: 16), beta = Support.random([2], seed: 17)
        expectClean(try Support.checkGradients([x, gamma, beta]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).0 }, "batchNorm")
    }

    // MARK: Image ops

    @Test func pooling() throws {
        let x = Support.random([2, 3, 7, 9], seed: 18)
        expectClean(try Support.checkGradients([x]) { $0[0].avgPool2d(kernel: 2) }, "avgPool 2/2")
        expectClean(try Support.checkGradients([x]) { $0[0].avgPool2d(kernel: 3, stride: 2) }, "avgPool 3/2")
        // Distinct values 0.05 apart (> 2·eps) so the arg-max never changes under the perturbation.
        var g = SeededGenerator(seed: 19)
        let values = (0..<x.count).map { Float($0) * 0.05 }.shuffled(using: &g)
        let distinct = try Tensor(shape: x.shape, scalars: values)
        expectClean(try Support.checkGradients([distinct]) { $0[0].maxPool2d(kernel: 2) }, "maxPool 2/2")
        expectClean(try Support.checkGradients([distinct]) { $0[0].maxPool2d(kernel: 3, stride: 2) }, "maxPool 3/2")
    }

    @Test func bilinearResizing() throws {
        let x = Support.random([2, 2, 3, 5], seed: 20)
        expectClean(try Support.checkGradients([x]) { $0[0].upsampleBilinear2x() }, "upsample 2x")
        expectClean(try Support.checkGradients([x]) { $0[0].resizedBilinear(height: 5, width: 4) }, "resize odd")
    }

    @Test func warpingImageAndFlow() throws {
        let image = Support.random([2, 3, 5, 6], seed: 21)
        // Flows with fractional parts in [0.1, 0.9]: no sample lies within the FD step of a pixel boundary,
        // and magnitudes up to 3 push some samples past the border (clamped: zero flow gradient).
        var g = SeededGenerator(seed: 22)
        let flow = try Tensor(shape: [2, 2, 5, 6], scalars: (0..<120).map { _ in
            Float(Int.random(in: -3...2, using: &g)) + Float.random(in: 0.1...0.9, using: &g)
        })
        expectClean(try Support.checkGradients([image, flow], maxChecksPerInput: 120) { $0[0].warped(by: $0[1]) }, "warp")
    }

    @Test func imageGradients() throws {
        let x = Support.random([2, 2, 4, 5], seed: 23)
        expectClean(try Support.checkGradients([x]) { $0[0].gradientX() }, "gradientX")
        expectClean(try Support.checkGradients([x]) { $0[0].gradientY() }, "gradientY")
    }

    // MARK: Losses

    @Test func losses() throws {
        let a = Support.random([2, 3, 4], seed: 24)
        let b = a - Support.awayFromZero([2, 3, 4], seed: 25).affine(scale: 0.5)  // |a − b| ≥ 0.05 everywhere
        expectClean(try Support.checkGradients([a, b]) { $0[0].l1Loss($0[1]) }, "l1")
        expectClean(try Support.checkGradients([a, b]) { $0[0].mseLoss($0[1]) }, "mse")
        let t = Support.random([2, 3, 4], 0...1, seed: 26)
        expectClean(try Support.checkGradients([a.affine(scale: 3), t]) { $0[0].bceWithLogitsLoss($0[1]) }, "bceWithLogits")
        let smoothness = try Support.checkGradients([a.reshapedUnchecked([1, 2, 3, 4])]) {
            $0[0].gradientX().l1Loss(Variable(value: Tensor(zeros: [1, 2, 3, 3]), tape: nil, requiresGrad: false))
        }
        #expect(smoothness.checked > 0)
    }

    @Test func tripletMargin() throws {
        let anchor = Support.random([4, 6], seed: 27)
        let positive = anchor + Support.random([4, 6], -0.3...0.3, seed: 28)
        let negative = anchor + Support.random([4, 6], -0.6...0.6, seed: 29)
        let report = try Support.checkGradients([anchor, positive, negative]) {
            Variable.tripletMarginLoss(anchor: $0[0], positive: $0[1], negative: $0[2], margin: 0.5)
        }
        expectClean(report, "tripletMargin")
        // The loss must actually be active for some rows, or the check proves nothing.
        let t = Tape()
        let l = Variable.tripletMarginLoss(anchor: t.input(anchor), positive: t.input(positive), negative: t.input(negative), margin: 0.5)
        #expect(l.value.scalar > 0)
    }

    @Test func checkerCatchesAWrongGradient() throws {
        // A deliberately wrong adjoint (2× the true one) must be reported: the checker can fail.
        let x = Support.random([3, 4], seed: 30)
        let report = try Support.checkGradients([x]) { v in
            Variable.make(v[0].value.affine(scale: 3), [v[0]]) { g in v[0].accumulate(g.affine(scale: 6)) }
        }
        #expect(!report.failures.isEmpty)
    }
}
