import Testing
@testable import Rating

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct RatingErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: RatingError = .invalidDatabase(path: "/tmp/x.sqlite", reason: "not a database")
        #expect(error.description.contains("/tmp/x.sqlite"))
        #expect(!error.description.contains("\n"))
    }
}
