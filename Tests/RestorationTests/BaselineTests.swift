import Foundation
import Media
import Metrics
import Testing
@testable import Restoration

/// The classical baselines (hold, blend, minterpolate) and the shared gap/clip driver of `FrameRestorer`.
@Suite struct BaselineTests {
    static let rate = Rational(25, 1)
    static let context = GapContext(frameRate: rate)

    /// A smoothly textured 40×40 square at horizontal offset `x` over a smooth background, as Float planes
    /// rounded to 8 bits (as every decoded frame is). The texture moves with the square.
    static func movingSquare(x: Int, slot: Int, width: Int = 128, height: Int = 96) throws -> SlotFrame {
        var planes = [Float](repeating: 0, count: 3 * width * height)
        for yy in 0..<height {
            for xx in 0..<width {
                let u = xx - x, w = yy - 28
                let inside = u >= 0 && u < 40 && w >= 0 && w < 40
                let tex = 0.5 + 0.25 * sin(Float(u) * 0.3) + 0.25 * cos(Float(w) * 0.25)
                let values: [Float] = inside
                    ? [0.5 + 0.45 * tex, 0.2 + 0.3 * tex, 0.8 - 0.5 * tex]
                    : [0.2 + 0.3 * Float(xx) / Float(width) + 0.1 * sin(Float(yy) * 0.3),
                       0.3 + 0.3 * Float(yy) / Float(height) + 0.1 * cos(Float(xx) * 0.25), 0.35]
                for c in 0..<3 { planes[(c * height + yy) * width + xx] = (values[c] * 255).rounded() / 255 }
            }
        }
        return try SlotFrame(slot: slot, width: width, height: height, planes: planes)
    }

    static func constant(_ value: Float, slot: Int, width: Int = 8, height: Int = 6) throws -> SlotFrame {
        try SlotFrame(slot: slot, width: width, height: height, planes: [Float](repeating: value, count: 3 * width * height))
    }

    static func psnr(_ a: SlotFrame, _ b: SlotFrame) throws -> Double {
        try PSNR.compute(PlanarImage(width: a.width, height: a.height, pixels: a.planes),
                         PlanarImage(width: b.width, height: b.height, pixels: b.planes), cap: 100)
    }

    // MARK: - Hold and blend

    @Test func holdRepeatsTheLeftFrame() throws {
        let left = try Self.movingSquare(x: 10, slot: 3), right = try Self.movingSquare(x: 30, slot: 7)
        let out = try HoldRestorer().restoreGap(left: left, right: right, slots: [4, 5, 6], context: Self.context)
        #expect(out.map(\.slot) == [4, 5, 6])
        #expect(out.allSatisfy { $0.planes == left.planes })
    }

    @Test func blendAtTheMidpointIsTheAverage() throws {
        let left = try Self.constant(0.2, slot: 10), right = try Self.constant(0.6, slot: 14)
        let out = try BlendRestorer().restoreGap(left: left, right: right, slots: [11, 12, 13], context: Self.context)
        #expect(out.map(\.slot) == [11, 12, 13])
        // v = (t − l)/(r − l): 0.25, 0.5, 0.75.
        for (frame, expected) in zip(out, [Float(0.3), 0.4, 0.5]) {
            #expect(frame.planes.allSatisfy { abs($0 - expected) < 1e-6 })
        }
        let a = try Self.movingSquare(x: 10, slot: 0), b = try Self.movingSquare(x: 30, slot: 2)
        let mid = try #require(try BlendRestorer().restoreGap(left: a, right: b, slots: [1], context: Self.context).first)
        let average = zip(a.planes, b.planes).map { ($0 + $1) / 2 }
        #expect(zip(mid.planes, average).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    // MARK: - Gap and clip driver

    @Test func edgeGapsHoldTheOnlyNeighbour() throws {
        let first = try Self.constant(0.4, slot: 3), last = try Self.constant(0.7, slot: 5)
        let blend = BlendRestorer()
        let head = try blend.fillGap(left: nil, right: first, slots: [0, 1, 2], context: Self.context)
        #expect(head.map(\.slot) == [0, 1, 2])
        #expect(head.allSatisfy { $0.planes == first.planes })
        let tail = try blend.fillGap(left: last, right: nil, slots: [6, 7], context: Self.context)
        #expect(tail.map(\.slot) == [6, 7])
        #expect(tail.allSatisfy { $0.planes == last.planes })
    }

    @Test func restoreClipFillsEverySlotInOrder() throws {
        let survivors = try [2, 5, 9].map { try Self.constant(Float($0) / 10, slot: $0) }
        let out = try BlendRestorer().restoreClip(survivors: survivors, slotCount: 12, context: Self.context)
        #expect(out.map(\.slot) == Array(0..<12))
        for s in survivors { #expect(out[s.slot] == s) }
        #expect(out[0].planes[0] == 0.2)              // held before the first survivor
        #expect(abs(out[7].planes[0] - 0.7) < 1e-6)   // 0.5 + (7−5)/(9−5)·(0.9 − 0.5)
        #expect(out[11].planes[0] == 0.9)             // held after the last survivor
    }

    @Test func badGapsThrowTypedErrors() throws {
        let left = try Self.constant(0.1, slot: 4), right = try Self.constant(0.2, slot: 8)
        let hold = HoldRestorer()
        #expect(throws: RestorationError.self) {
            try hold.fillGap(left: left, right: right, slots: [5, 8], context: Self.context)
        }
        #expect(throws: RestorationError.self) {
            try hold.fillGap(left: left, right: right, slots: [6, 5], context: Self.context)
        }
        let small = try Self.constant(0.2, slot: 8, width: 4, height: 4)
        #expect(throws: RestorationError.self) {
            try BlendRestorer().restoreGap(left: left, right: small, slots: [5], context: Self.context)
        }
        #expect(throws: RestorationError.self) {
            try hold.restoreClip(survivors: [right, left], slotCount: 10, context: Self.context)
        }
        #expect(throws: RestorationError.self) { try SlotFrame(slot: 0, width: 2, height: 2, planes: [0]) }
    }

    // MARK: - minterpolate

    @Test func minterpolateGivesOneFramePerSlotAndBeatsHold() throws {
        // A square moving 2 px per slot; survivors at slots 10 and 14, truth known for 11…13.
        // (minterpolate's default EPZS search tracks up to about 8 px between the survivors; see the report.)
        let truth = try (0...4).map { try Self.movingSquare(x: 20 + 2 * $0, slot: 10 + $0) }
        let slots = Array(11...13)
        let mci = try MinterpolateRestorer().restoreGap(left: truth[0], right: truth[4], slots: slots, context: Self.context)
        #expect(mci.map(\.slot) == slots)
        #expect(mci.allSatisfy { $0.width == 128 && $0.height == 96 && $0.planes.count == 3 * 128 * 96 })
        let held = try HoldRestorer().restoreGap(left: truth[0], right: truth[4], slots: slots, context: Self.context)
        let mciPSNR = try zip(mci, slots).map { try Self.psnr($0, truth[$1 - 10]) }
        let holdPSNR = try zip(held, slots).map { try Self.psnr($0, truth[$1 - 10]) }
        let mciMean = mciPSNR.reduce(0, +) / 3, holdMean = holdPSNR.reduce(0, +) / 3
        #expect(mciMean > holdMean + 3, "minterpolate \(mciPSNR) vs hold \(holdPSNR)")
        // Order: each interpolated frame is closest to its own slot's truth.
        for (frame, t) in zip(mci, slots) {
            let scores = try truth.map { try Self.psnr(frame, $0) }
            let best = try #require(scores.indices.max { scores[$0] < scores[$1] })
            #expect(best + 10 == t, "slot \(t) looks most like slot \(best + 10): \(scores)")
        }
    }

    @Test func minterpolateHandlesAOneSlotGapAndOddSizes() throws {
        let a = try Self.movingSquare(x: 20, slot: 5, width: 77, height: 51)
        let b = try Self.movingSquare(x: 24, slot: 7, width: 77, height: 51)
        let out = try MinterpolateRestorer().restoreGap(left: a, right: b, slots: [6],
                                                        context: GapContext(frameRate: Rational(30000, 1001)))
        #expect(out.map(\.slot) == [6])
        #expect(out.first?.width == 77 && out.first?.height == 51)
    }
}
