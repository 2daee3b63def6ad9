import Testing
@testable import Alignment

/// The threshold, uniform and timestamp baselines.
@Suite struct BaselineEstimatorTests {
    @Test func thresholdRulesAndFallback() throws {
        let d = try DistanceMatrix(rows: 2, columns: 4, values: [4, 1, 3, 9,
                                                                  8, 7, 9, 6])
        let nearest = try ThresholdEstimator(beta: 5).estimate(AlignmentInput(distances: d))
        #expect(nearest.placements == [1, nil])
        #expect(nearest.positions == [1, 3])
        #expect(nearest.unplacedCount == 1)
        let first = try ThresholdEstimator(beta: 5, rule: .firstBelow).estimate(AlignmentInput(distances: d))
        #expect(first.placements == [0, nil])
        #expect(first.estimator == "threshold")
    }

    @Test func thresholdMayDuplicate() throws {
        let d = try DistanceMatrix(rows: 2, columns: 3, values: [5, 0, 5, 5, 0, 5])
        let e = try ThresholdEstimator(beta: 1).estimate(AlignmentInput(distances: d))
        #expect(e.positions == [1, 1] && !e.isStrictlyIncreasing)
    }

    @Test func uniformSpreadsFromFirstToLastSlot() throws {
        #expect(try UniformEstimator.positions(frames: 4, slots: 10) == [0, 3, 6, 9])
        #expect(try UniformEstimator.positions(frames: 1, slots: 10) == [0])
        #expect(try UniformEstimator.positions(frames: 5, slots: 5) == [0, 1, 2, 3, 4])
        for (k, n) in [(7, 8), (13, 100), (250, 1800)] {
            let p = try UniformEstimator.positions(frames: k, slots: n)
            #expect(p.first == 0 && p.last == n - 1 && zip(p, p.dropFirst()).allSatisfy { $0 < $1 })
        }
        #expect(throws: AlignmentError.moreFramesThanSlots(frames: 6, slots: 5)) {
            try UniformEstimator().estimate(AlignmentInput(frameCount: 6, slotCount: 5))
        }
        #expect(throws: AlignmentError.self) { try UniformEstimator.positions(frames: 0, slots: 5) }
    }

    @Test func timestampsRoundToSlots() throws {
        let input = AlignmentInput(frameCount: 4, slotCount: 30, timestamps: [10.0, 10.1, 10.2333, 10.966],
                                   fps: 30, startTime: 10.0)
        let e = try TimestampEstimator().estimate(input)
        #expect(e.positions == [0, 3, 7, 29])
        #expect(e.estimator == "timestamps")
    }

    @Test func inconsistentTimestampsAreRefused() {
        let t = TimestampEstimator()
        #expect(throws: AlignmentError.nonIncreasingTimestamps(index: 2)) {
            try t.positions(timestamps: [0, 0.1, 0.1], fps: 30, startTime: 0, slots: 30)
        }
        #expect(throws: AlignmentError.sharedSlot(first: 0, second: 1, slot: 0)) {
            try t.positions(timestamps: [0, 0.01], fps: 30, startTime: 0, slots: 30)
        }
        #expect(throws: AlignmentError.slotOutOfRange(frame: 1, slot: 30, slots: 30)) {
            try t.positions(timestamps: [0, 1.0], fps: 30, startTime: 0, slots: 30)
        }
        #expect(throws: AlignmentError.slotOutOfRange(frame: 0, slot: -3, slots: 30)) {
            try t.positions(timestamps: [-0.1], fps: 30, startTime: 0, slots: 30)
        }
        #expect(throws: AlignmentError.self) { try t.positions(timestamps: [.nan], fps: 30, startTime: 0, slots: 30) }
        #expect(throws: AlignmentError.self) { try t.positions(timestamps: [0], fps: 0, startTime: 0, slots: 30) }
        #expect(throws: AlignmentError.self) {
            try TimestampEstimator(maxJitter: 0.2).positions(timestamps: [0, 0.05], fps: 30, startTime: 0, slots: 30)
        }
        #expect(throws: AlignmentError.missingInput("timestamps needs frame timestamps")) {
            try TimestampEstimator().estimate(AlignmentInput(frameCount: 1, slotCount: 3, fps: 30))
        }
    }
}
