import Testing
@testable import Metrics

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct MetricsErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: MetricsError = .tooSmall("5×5")
        #expect(error.description.contains("5×5"))
        #expect(!error.description.contains("\n"))
    }
}
