import Testing
@testable import Alignment

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct AlignmentErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: AlignmentError = .moreFramesThanSlots(frames: 9, slots: 4)
        #expect(error.description.contains("9 surviving"))
        #expect(!error.description.contains("\n"))
    }

    @Test func everyCaseIsOneLine() {
        let all: [AlignmentError] = [
            .inconsistentTimestamps("x"), .nonIncreasingTimestamps(index: 3), .sharedSlot(first: 1, second: 2, slot: 7),
            .slotOutOfRange(frame: 4, slot: 99, slots: 90), .emptyInput("x"), .nonFiniteValue("x"),
            .shapeMismatch("x"), .missingInput("x"), .invalidSetting("x"),
        ]
        for e in all { #expect(!e.description.isEmpty && !e.description.contains("\n")) }
        #expect(AlignmentError.sharedSlot(first: 1, second: 2, slot: 7).description.contains("slot 7"))
    }

    @Test func estimatorNamesRoundTrip() {
        for kind in EstimatorKind.allCases {
            #expect(kind.makeEstimator().name == kind.rawValue)
            #expect(EstimatorKind(rawValue: kind.rawValue) == kind)
        }
        #expect(EstimatorKind.dpPrior.rawValue == "dp-prior")
    }
}
