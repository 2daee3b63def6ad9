import Corpus
import Foundation
import Testing
@testable import Training

/// `train-restore --visual-corpus`: a corpus of faces without usable audio joins training on the visual path only,
/// and never with a held-out person.
@Suite struct RestorationVisualCorpusTests {
    static func corpus(root: String) throws -> Corpus {
        try Corpus(root: root, clips: [
            Clip(path: root + "/a1.mp4", relativePath: "a1.mp4", person: "anna"),
            Clip(path: root + "/b1.mp4", relativePath: "b1.mp4", person: "bert"),
            Clip(path: root + "/sub/a2.mp4", relativePath: "sub/a2.mp4", person: "anna"),
        ])
    }

    @Test func heldOutPersonsAreLeftOutAndPathsNameTheCorpus() throws {
        let picked = RestorationTraining.visualOnlyClips(of: try Self.corpus(root: "/data/faces-video"), heldOut: ["bert", "carl"])
        #expect(picked.prefix == "faces-video/")
        #expect(picked.clips.map(\.relativePath) == ["faces-video/a1.mp4", "faces-video/sub/a2.mp4"])
        #expect(picked.clips.map(\.path) == ["/data/faces-video/a1.mp4", "/data/faces-video/sub/a2.mp4"])
        #expect(picked.leftOut.map(\.person) == ["bert"])
        // The prefix is what `load(_:visualOnly:)` matches to mark a clip's audio absent.
        #expect(picked.clips.allSatisfy { $0.relativePath.hasPrefix(picked.prefix) })
    }

    @Test func withNothingHeldOutEveryClipIsKept() throws {
        let picked = RestorationTraining.visualOnlyClips(of: try Self.corpus(root: "/data/faces-video/"), heldOut: [])
        #expect(picked.prefix == "faces-video/")
        #expect(picked.clips.count == 3 && picked.leftOut.isEmpty)
    }
}
