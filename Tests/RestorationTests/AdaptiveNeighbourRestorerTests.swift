import Foundation
import Media
import Metrics
import Testing
@testable import Restoration

/// The outside-the-face restorer: a cross-fade where the neighbours agree, the nearer neighbour where they differ.
@Suite struct AdaptiveNeighbourRestorerTests {
    static let context = BaselineTests.context

    @Test func stillPixelsAreCrossFadedAndMovingOnesComeFromTheNearerNeighbourAlone() throws {
        let left = try BaselineTests.movingSquare(x: 20, slot: 0), right = try BaselineTests.movingSquare(x: 44, slot: 4)
        let restorer = AdaptiveNeighbourRestorer()
        let out = try restorer.restoreGap(left: left, right: right, slots: [1, 2, 3], context: Self.context)
        #expect(out.map(\.slot) == [1, 2, 3])
        let w = left.width, h = left.height, plane = w * h
        let blend = try BlendRestorer().restoreGap(left: left, right: right, slots: [1, 3], context: Self.context)
        let mask = restorer.weights(left: left.planes, right: right.planes, width: w, height: h)
        var still = 0, moving = 0
        for i in 0..<plane {
            if mask[i] == 1 {
                // Agreeing pixels: the cross-fade, exactly.
                still += 1
                #expect(out[0].planes[i] == blend[0].planes[i])
            } else if mask[i] == 0 {
                // Disagreeing pixels: slot 1 is nearer the left, slot 3 nearer the right; never a mix (no ghost).
                moving += 1
                #expect(abs(out[0].planes[i] - left.planes[i]) < 1e-6 && abs(out[2].planes[i] - right.planes[i]) < 1e-6)
            }
        }
        #expect(still > plane / 2 && moving > 40 * 10, "\(still) still, \(moving) moving pixels")
        #expect(out.allSatisfy { $0.planes.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 } })
    }

    @Test func itIsSharperThanTheCrossFadeWhereSomethingMoves() throws {
        let left = try BaselineTests.movingSquare(x: 20, slot: 0), right = try BaselineTests.movingSquare(x: 44, slot: 2)
        let truth = try BaselineTests.movingSquare(x: 32, slot: 1)
        func image(_ f: SlotFrame) throws -> PlanarImage { try PlanarImage(width: f.width, height: f.height, pixels: f.planes) }
        let adaptive = try AdaptiveNeighbourRestorer().restoreGap(left: left, right: right, slots: [1], context: Self.context)[0]
        let blend = try BlendRestorer().restoreGap(left: left, right: right, slots: [1], context: Self.context)[0]
        let sTruth = Sharpness.laplacianVariance(try image(truth))
        let sAdaptive = Sharpness.laplacianVariance(try image(adaptive)), sBlend = Sharpness.laplacianVariance(try image(blend))
        // The cross-fade halves each moving edge's contrast; taking one neighbour keeps it.
        #expect(abs(sAdaptive - sTruth) < abs(sBlend - sTruth), "adaptive \(sAdaptive), blend \(sBlend), truth \(sTruth)")
    }

    @Test func aCroppedRestorerUsesItOutsideTheFaceByDefault() throws {
        let cropped = CroppedRestorer(inner: BlendRestorer(), box: PixelRect(x: 8, y: 8, width: 32, height: 32), size: 32)
        #expect(cropped.background is AdaptiveNeighbourRestorer)
    }
}

/// Variance of the Laplacian as a sharpness measure.
@Suite struct SharpnessTests {
    @Test func flatImagesHaveNoneAndBlurLowersIt() throws {
        let w = 32, h = 24, plane = w * h
        let flat = try PlanarImage(width: w, height: h, pixels: [Float](repeating: 0.4, count: 3 * plane))
        #expect(Sharpness.laplacianVariance(flat) == 0)
        var checker = [Float](repeating: 0, count: 3 * plane)
        for c in 0..<3 { for y in 0..<h { for x in 0..<w { checker[c * plane + y * w + x] = (x + y) % 2 == 0 ? 1 : 0 } } }
        // Interior Laplacian of a unit checkerboard is ±4·255: its variance is (4·255)².
        let sharp = Sharpness.laplacianVariance(try PlanarImage(width: w, height: h, pixels: checker))
        #expect(abs(sharp - 1020 * 1020) < 1)
        var blurred = checker
        for c in 0..<3 { for y in 0..<h { for x in 1..<(w - 1) {
            let i = c * plane + y * w + x
            blurred[i] = (checker[i - 1] + 2 * checker[i] + checker[i + 1]) / 4
        } } }
        #expect(Sharpness.laplacianVariance(try PlanarImage(width: w, height: h, pixels: blurred)) < sharp / 2)
        #expect(Sharpness.laplacianVariance(try PlanarImage(width: 2, height: 2, pixels: [Float](repeating: 0, count: 12))) == 0)
    }
}
