import Testing
@testable import Restoration

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct RestorationErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: RestorationError = .positionsNotIncreasing([0, 3, 2])
        #expect(error.description.contains("[0, 3, 2]"))
        #expect(!error.description.contains("\n"))
    }
}
