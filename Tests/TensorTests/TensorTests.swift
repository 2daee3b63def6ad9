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

    @Test func seededNormalHasTheRequestedMoments() {
        var g = SeededGenerator(seed: 5)
        let t = Tensor.randomNormal([20_000], std: 0.02, using: &g)
        #expect(abs(t.mean()) < 1e-3)
        let std = (t.map { $0 * $0 }.mean()).squareRoot()
        #expect(abs(std - 0.02) < 1e-3)
    }
}
