import Foundation
import Testing
@testable import Inspector

/// README's key list is the keymap table's own Markdown, so the two cannot drift apart.
@Suite struct ReadmeKeysTests {
    @Test func readmeListsExactlyTheKeymap() throws {
        let readme = try String(contentsOf: TestSessions.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- keys:begin -->\n")), end = try #require(readme.range(of: "\n<!-- keys:end -->"))
        let listed = String(readme[begin.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(listed == Keymap.markdown().trimmingCharacters(in: .whitespacesAndNewlines),
                "regenerate README's key list with `dropfill inspect --keys-markdown`")
    }
}
