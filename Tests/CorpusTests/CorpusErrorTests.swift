import Testing
@testable import Corpus

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct CorpusErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: CorpusError = .emptyCorpus("/tmp/x")
        #expect(error.description.contains("/tmp/x"))
        #expect(!error.description.contains("\n"))
    }
}
