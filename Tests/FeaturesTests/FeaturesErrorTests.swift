import Testing
@testable import Features

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct FeaturesErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: FeaturesError = .audioTooShort(samples: 3, needed: 400)
        #expect(error.description.contains("400"))
        #expect(!error.description.contains("\n"))
    }
}
