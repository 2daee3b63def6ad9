import Testing
@testable import Alignment

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct AlignmentErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: AlignmentError = .moreFramesThanSlots(frames: 9, slots: 4)
        #expect(error.description.contains("9 surviving"))
        #expect(!error.description.contains("\n"))
    }
}
