import Testing
@testable import Inspector

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct InspectorErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: InspectorError = .invalidTheme("x")
        #expect(error.description.contains("theme"))
        #expect(!error.description.contains("\n"))
    }
}
