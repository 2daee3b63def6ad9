import Testing
@testable import Features

/// Slot segmentation: n = round(duration·fps), nearest-centre anchors, 5-segment context, replicate padding.
@Suite struct SlotFeaturesTests {
    /// A matrix whose single column holds the frame index, so anchors can be read back.
    func indexMatrix(frames: Int, firstCentre: Double, duration: Double) throws -> FeatureMatrix {
        try FeatureMatrix(rows: frames, columns: 1, values: (0..<frames).map(Float.init), step: 0.01,
                          firstCentre: firstCentre, duration: duration)
    }

    @Test func slotCountRoundsDurationTimesFps() throws {
        #expect(try SlotFeatures.slotCount(duration: 1.0, fps: 30) == 30)
        #expect(try SlotFeatures.slotCount(duration: 3.0167, fps: 30) == 91)
        #expect(try SlotFeatures.slotCount(duration: 2.99, fps: 25) == 75)
        #expect(throws: FeaturesError.invalidFrameRate(0)) { try SlotFeatures.slotCount(duration: 1, fps: 0) }
        #expect(throws: FeaturesError.self) { try SlotFeatures.slotCount(duration: 1, fps: -.infinity) }
    }

    @Test func anchorsAreTheFramesNearestTheSlotCentres() throws {
        // log-mel style framing: frame f centred at f·10 ms; slot j centre (j + 0.5)/30 s.
        let m = try indexMatrix(frames: 101, firstCentre: 0, duration: 1)
        #expect(SlotFeatures.anchorFrame(slot: 0, fps: 30, features: m) == 2)     // 16.7 ms → frame 2 (20 ms)
        #expect(SlotFeatures.anchorFrame(slot: 1, fps: 30, features: m) == 5)     // 50 ms → 5
        #expect(SlotFeatures.anchorFrame(slot: 29, fps: 30, features: m) == 98)   // 983.3 ms → 98
        // MFCC framing: frame f centred at 12.5 + 10 f ms; 16.7 ms → frame 0 (12.5), 50 ms → 4 (52.5).
        let mf = try indexMatrix(frames: 99, firstCentre: 0.0125, duration: 1)
        #expect(SlotFeatures.anchorFrame(slot: 0, fps: 30, features: mf) == 0)
        #expect(SlotFeatures.anchorFrame(slot: 1, fps: 30, features: mf) == 4)
    }

    @Test func contextIsFiveSegmentsWithReplicatePadding() throws {
        let m = try indexMatrix(frames: 99, firstCentre: 0.0125, duration: 1)
        let s = try SlotFeatures.make(features: m, fps: 30)
        #expect(s.rows == 30 && s.columns == 5)
        #expect(Array(s.row(0)) == [0, 0, 0, 1, 2])        // anchor 0, left neighbours clamped
        #expect(Array(s.row(1)) == [2, 3, 4, 5, 6])
        #expect(Array(s.row(29)) == [95, 96, 97, 98, 98])  // 983.3 ms → frame 97 (982.5 ms), right edge replicated
        #expect(abs(s.step - 1.0 / 30) < 1e-12 && abs(s.firstCentre - 1.0 / 60) < 1e-12)
        // Explicit slot count past the audio end: anchors clamp to the last frame.
        let longer = try SlotFeatures.make(features: m, fps: 30, slotCount: 32, context: 1)
        #expect(Array(longer.row(31)) == [97, 98, 98])
    }

    @Test func rowsCarryEveryDimensionInTimeOrder() throws {
        let audio = try FixtureLoader.floats("excerpt")
        let m = try AudioFeatures.compute(samples: audio, settings: .mfcc)
        let s = try SlotFeatures.make(features: m, fps: 25)
        #expect(s.rows == 25 && s.columns == 65)
        let anchor = SlotFeatures.anchorFrame(slot: 10, fps: 25, features: m)
        #expect(Array(s.row(10)[(10 * 65 + 26)..<(10 * 65 + 39)]) == Array(m.row(anchor)))
    }

    @Test func badArgumentsThrow() throws {
        let m = try indexMatrix(frames: 10, firstCentre: 0, duration: 0.1)
        #expect(throws: FeaturesError.invalidFrameRate(-1)) { try SlotFeatures.make(features: m, fps: -1) }
        #expect(throws: FeaturesError.self) { try SlotFeatures.make(features: m, fps: 30, context: -1) }
    }
}
