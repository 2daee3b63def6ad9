import Testing
@testable import Tensor

/// The tensor value type: creation, shape checks, views without copies, copy-on-write.
@Suite struct TensorTests {
    @Test func creationChecksTheElementCount() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t[1, 2] == 6 && t.count == 6 && t.rank == 2)
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 3], scalars: [1, 2]) }
    }

    @Test func reshapeIsAViewAndInfersOneExtent() throws {
        let t = try Tensor(shape: [2, 6], scalars: (0..<12).map(Float.init))
        let r = try t.reshaped([3, -1])
        #expect(r.shape == [3, 4])
        #expect(r.storage === t.storage)
        #expect(throws: TensorError.self) { try t.reshaped([5, 2]) }
        #expect(throws: TensorError.self) { try t.reshaped([-1, -1]) }
    }

    @Test func batchViewSharesStorageAndWritesCopy() throws {
        let t = try Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5])
        var b = t.batch(1)
        #expect(b.shape == [1, 2] && b.scalars == [2, 3])
        #expect(b.storage === t.storage)
        b[0, 0] = 9
        #expect(b.scalars == [9, 3])
        #expect(t.scalars == [0, 1, 2, 3, 4, 5])  // the original is untouched (copy on write)
    }

    @Test func broadcastingArithmetic() throws {
        let a = try Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4])
        let b = try Tensor(shape: [1, 1, 1, 2], scalars: [10, 20])
        #expect((a + b).scalars == [11, 22, 13, 24])
        #expect((a * b).scalars == [10, 40, 30, 80])
        #expect((a * b).sum(toShape: [1, 1, 1, 2]).scalars == [40, 120])
    }

    @Test func shapeErrorsThrowFromLayers() throws {
        let x = Tensor(zeros: [1, 3, 8, 8])
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [4, 2, 3, 3])) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [4, 3, 9, 9])) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [2, 5]).linear(weight: Tensor(zeros: [3, 4])) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [4, 3, 3, 3]), bias: Tensor(zeros: [3])) }
    }

    @Test func reusedOutputBufferIsNotReallocated() throws {
        let x = Support.random([1, 2, 6, 6], seed: 1), w = Support.random([3, 2, 3, 3], seed: 2)
        var out = Tensor(zeros: [1, 3, 6, 6])
        // Compare addresses without holding a second reference (which would itself force a copy on write).
        let before = out.storage.pointer
        try x.conv2d(weight: w, bias: nil, options: .init(padding: 1), into: &out)
        #expect(out.storage.pointer == before)
        #expect(out.maxAbsDifference(try x.conv2d(weight: w, options: .init(padding: 1))) == 0)
        var warped = Tensor(zeros: x.shape)
        let warpStorage = warped.storage.pointer
        Tensor.warp(x, by: Tensor(zeros: [1, 2, 6, 6]), into: &warped)
        #expect(warped.storage.pointer == warpStorage)
    }

    /// Small images share one product (`ConvGeometry.imagesPerProduct`); each output must still be its own image's
    /// convolution: the same as convolving the images one at a time (which takes the per-image path).
    @Test(arguments: [(h: 5, w: 13, stride: 1, padding: 1, dilation: 1, bias: true),
                      (h: 16, w: 24, stride: 2, padding: 1, dilation: 1, bias: false),
                      (h: 9, w: 7, stride: 1, padding: 2, dilation: 2, bias: true)])
    func smallImagesShareOneProductAndMatchOneAtATime(h: Int, w: Int, stride: Int, padding: Int, dilation: Int, bias: Bool) throws {
        let n = 37
        let x = Support.random([n, 3, h, w], seed: 3), weight = Support.random([5, 3, 3, 3], seed: 4)
        let b: Tensor? = bias ? Support.random([5], seed: 5) : nil
        let options = Conv2dOptions(stride: stride, padding: padding, dilation: dilation)
        let g = try ConvGeometry(input: x.shape, weight: weight.shape, options: options)
        #expect(g.imagesPerProduct > 1, "the batched path is the one under test")
        // A budget of two images per product: blocks of 2 and a last block of 1.
        var small = g
        small.columnBudget = 4 * 2 * g.k * g.hwOut
        #expect(small.imagesPerProduct == 2)
        let together = try x.conv2d(weight: weight, bias: b, options: options)
        var blocked = Tensor(zeros: together.shape)
        x.withUnsafePointer { xp in
            weight.withUnsafePointer { wp in
                blocked.withUnsafeMutablePointer { yp in
                    if let b { b.withUnsafePointer { bp in ConvKernels.forward(small, x: xp, w: wp, b: bp, y: yp) } }
                    else { ConvKernels.forward(small, x: xp, w: wp, b: nil, y: yp) }
                }
            }
        }
        for i in 0..<n {
            let one = try x.batch(i).conv2d(weight: weight, bias: b, options: options)
            #expect(together.batch(i).maxAbsDifference(one) < 1e-5, "image \(i)")
            #expect(blocked.batch(i).maxAbsDifference(one) < 1e-5, "image \(i), blocks of 2")
        }
    }

    @Test func seededNormalHasTheRequestedMoments() {
        var g = SeededGenerator(seed: 5)
        let t = Tensor.randomNormal([20_000], std: 0.02, using: &g)
        #expect(abs(t.mean()) < 1e-3)
        let std = (t.map { $0 * $0 }.mean()).squareRoot()
        #expect(abs(std - 0.02) < 1e-3)
    }
}
