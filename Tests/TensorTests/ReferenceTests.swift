import Foundation
import Testing
@testable import Tensor

/// Forward outputs of conv2d, pooling, upsampling and warping against independent references:
/// naive loops written here, and numpy/scipy outputs committed in Fixtures/reference.json (see make_fixtures.py).
@Suite struct ReferenceTests {
    // MARK: Naive loops

    @Test(arguments: [
        (2, 3, 9, 7, 5, 3, 1, 1, 1, 1),
        (1, 4, 8, 11, 6, 3, 2, 1, 1, 2),
        (2, 2, 10, 9, 3, 3, 1, 2, 2, 1),
        (1, 3, 6, 6, 4, 1, 1, 0, 1, 1),
        (1, 6, 7, 5, 6, 3, 2, 0, 1, 6),
        (2, 3, 12, 12, 2, 7, 1, 3, 1, 1),
    ])
    func conv2dMatchesDirectLoops(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)) throws {
        let (n, cin, h, w, cout, k, s, p, d, g) = c
        let o = Conv2dOptions(stride: s, padding: p, dilation: d, groups: g)
        let x = Support.random([n, cin, h, w], seed: 40), wt = Support.random([cout, cin / g, k, k], seed: 41)
        let b = Support.random([cout], seed: 42)
        let y = try x.conv2d(weight: wt, bias: b, options: o)
        let ref = Support.naiveConv(x, wt, b, o)
        #expect(y.shape == ref.shape)
        #expect(y.maxAbsDifference(ref) < 1e-4)
    }

    @Test func tiledConvolutionMatchesUntiled() throws {
        // A tiny column budget forces one output row per tile, exercising the tile offsets of forward and backward.
        let x = Support.random([2, 3, 9, 8], seed: 43), w = Support.random([4, 3, 3, 3], seed: 44)
        let dy = Support.random([2, 4, 5, 4], seed: 45)
        let o = Conv2dOptions(stride: 2, padding: 1)
        var whole = try ConvGeometry(input: x.shape, weight: w.shape, options: o)
        var tiled = whole
        tiled.columnBudget = 1
        #expect(tiled.rowsPerTile == 1 && whole.rowsPerTile == 5)
        func run(_ g: ConvGeometry) -> (Tensor, Tensor, Tensor) {
            var y = Tensor(zeros: [2, 4, 5, 4]), dx = Tensor(zeros: x.shape), dw = Tensor(zeros: w.shape)
            x.withUnsafePointer { xp in w.withUnsafePointer { wp in dy.withUnsafePointer { gp in
                y.withUnsafeMutablePointer { ConvKernels.forward(g, x: xp, w: wp, b: nil, y: $0) }
                dx.withUnsafeMutablePointer { dxp in dw.withUnsafeMutablePointer { dwp in
                    ConvKernels.backward(g, x: xp, w: wp, dy: gp, dx: dxp, dw: dwp, db: nil)
                } }
            } } }
            return (y, dx, dw)
        }
        whole.columnBudget = 1 << 22
        let a = run(whole), b = run(tiled)
        #expect(a.0.maxAbsDifference(b.0) < 1e-5)
        #expect(a.1.maxAbsDifference(b.1) < 1e-5)
        #expect(a.2.maxAbsDifference(b.2) < 1e-5)
        #expect(a.0.maxAbsDifference(Support.naiveConv(x, w, nil, o)) < 1e-4)
    }

    @Test func poolingMatchesDirectLoops() {
        let x = Support.random([2, 3, 7, 8], seed: 46)
        let avg = x.avgPool2d(kernel: 2), mx = x.maxPool2d(kernel: 3, stride: 2)
        #expect(avg.shape == [2, 3, 3, 4] && mx.shape == [2, 3, 3, 3])
        var worst: Float = 0
        for n in 0..<2 { for c in 0..<3 {
            for i in 0..<3 { for j in 0..<4 {
                let m = (x[n, c, 2 * i, 2 * j] + x[n, c, 2 * i + 1, 2 * j] + x[n, c, 2 * i, 2 * j + 1] + x[n, c, 2 * i + 1, 2 * j + 1]) / 4
                worst = max(worst, abs(avg[n, c, i, j] - m))
            } }
            for i in 0..<3 { for j in 0..<3 {
                var m = -Float.infinity
                for p in 0..<3 { for q in 0..<3 { m = max(m, x[n, c, 2 * i + p, 2 * j + q]) } }
                worst = max(worst, abs(mx[n, c, i, j] - m))
            } }
        } }
        #expect(worst < 1e-6)
    }

    @Test func upsamplingKeepsConstantsAndInterpolatesMidpoints() {
        // A ramp along x: align_corners=False puts output pixel 2i+1 at input position i + 0.25.
        var x = Tensor(zeros: [1, 1, 2, 4])
        for i in 0..<2 { for j in 0..<4 { x[0, 0, i, j] = Float(j) } }
        let y = x.upsampleBilinear2x()
        #expect(y.shape == [1, 1, 4, 8])
        #expect(y[0, 0, 0, 0] == 0 && y[0, 0, 0, 1] == 0.25 && y[0, 0, 0, 2] == 0.75 && y[0, 0, 0, 7] == 3)
        #expect(Tensor(shape: [1, 2, 3, 3], repeating: 0.7).upsampleBilinear2x().scalars.allSatisfy { abs($0 - 0.7) < 1e-6 })
    }

    @Test func warpByIntegerFlowShiftsAndClamps() {
        let img = Support.random([1, 2, 4, 5], seed: 47)
        var flow = Tensor(zeros: [1, 2, 4, 5])
        for i in 0..<4 { for j in 0..<5 { flow[0, 0, i, j] = 1; flow[0, 1, i, j] = -1 } }
        let y = Tensor.warp(img, by: flow)
        for c in 0..<2 { for i in 0..<4 { for j in 0..<5 {
            #expect(y[0, c, i, j] == img[0, c, max(i - 1, 0), min(j + 1, 4)])
        } } }
        #expect(Tensor.warp(img, by: Tensor(zeros: [1, 2, 4, 5])).maxAbsDifference(img) == 0)
    }

    // MARK: numpy / scipy fixtures

    private struct Case: Decodable {
        var input: [Float]
        var inputShape: [Int]
        var weight: [Float]?
        var weightShape: [Int]?
        var bias: [Float]?
        var stride: Int?
        var padding: Int?
        var dilation: Int?
        var groups: Int?
        var kernel: Int?
        var flow: [Float]?
        var output: [Float]
        var outputShape: [Int]
    }

    private func cases() throws -> [String: [Case]] {
        try JSONDecoder().decode([String: [Case]].self, from: Support.fixture("reference.json"))
    }

    private func compare(_ y: Tensor, _ c: Case, _ what: String) throws {
        let expected = try Tensor(shape: c.outputShape, scalars: c.output)
        #expect(y.shape == expected.shape, "\(what)")
        #expect(y.maxAbsDifference(expected) < 1e-4, "\(what): max difference \(y.maxAbsDifference(expected))")
    }

    @Test func fixturesConv2d() throws {
        let all = try #require(try cases()["conv2d"])
        #expect(all.count == 5)
        for c in all {
            let x = try Tensor(shape: c.inputShape, scalars: c.input)
            let w = try Tensor(shape: try #require(c.weightShape), scalars: try #require(c.weight))
            let b = try c.bias.map { try Tensor(shape: [$0.count], scalars: $0) }
            let o = Conv2dOptions(stride: c.stride ?? 1, padding: c.padding ?? 0, dilation: c.dilation ?? 1, groups: c.groups ?? 1)
            try compare(try x.conv2d(weight: w, bias: b, options: o), c, "conv2d \(o)")
        }
    }

    @Test func fixturesPoolingUpsamplingWarping() throws {
        let all = try cases()
        var seen = 0
        for c in all["avgPool2d"] ?? [] {
            try compare(try Tensor(shape: c.inputShape, scalars: c.input).avgPool2d(kernel: c.kernel ?? 2, stride: c.stride), c, "avgPool")
            seen += 1
        }
        for c in all["maxPool2d"] ?? [] {
            try compare(try Tensor(shape: c.inputShape, scalars: c.input).maxPool2d(kernel: c.kernel ?? 2, stride: c.stride), c, "maxPool")
            seen += 1
        }
        for c in all["upsampleBilinear2x"] ?? [] {
            try compare(try Tensor(shape: c.inputShape, scalars: c.input).upsampleBilinear2x(), c, "upsample")
            seen += 1
        }
        for c in all["warp"] ?? [] {
            let img = try Tensor(shape: c.inputShape, scalars: c.input)
            let flow = try Tensor(shape: [c.inputShape[0], 2, c.inputShape[2], c.inputShape[3]], scalars: try #require(c.flow))
            try compare(Tensor.warp(img, by: flow), c, "warp")
            seen += 1
        }
        #expect(seen == 8)
    }
}
