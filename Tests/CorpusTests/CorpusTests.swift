import DropfillTestSupport
import Foundation
import Testing
@testable import Corpus

/// Clip discovery, person IDs (manifest, VoxCeleb2 layout, stem) and person-disjoint splits.
@Suite struct CorpusTests {
    /// A temporary folder holding empty files at the given relative paths (only the names matter for discovery).
    static func folder(_ files: [String], manifest: String? = nil) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        for f in files {
            let url = root.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([0]).write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if let manifest { try manifest.write(to: root.appendingPathComponent("manifest.tsv"), atomically: true, encoding: .utf8) }
        return root
    }

    @Test func voxCelebLayoutGivesThePersonAndOtherFilesTheirStem() throws {
        let root = try Self.folder(["id001/vidA/00001.mp4", "id001/vidB/00002.mp4", "id002/vidC/00001.mp4",
                                    "loose/clip.mkv", "notes.txt", "top.avi", "mp4/id003/vidD/00007.webm"])
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Corpus(path: root.path)
        #expect(corpus.clips.map(\.relativePath) == ["id001/vidA/00001.mp4", "id001/vidB/00002.mp4", "id002/vidC/00001.mp4",
                                                     "loose/clip.mkv", "mp4/id003/vidD/00007.webm", "top.avi"])
        #expect(corpus.clips.map(\.person) == ["id001", "id001", "id002", "clip", "id003", "top"])
        #expect(corpus.persons == ["clip", "id001", "id002", "id003", "top"])
    }

    @Test func manifestGivesPersonsAndListsTheClips() throws {
        let root = try Self.folder(["grid/a.mpg", "grid/b.mpg", "obama/s1.mp4", "unlisted.mp4"],
                                   manifest: "path\tperson\tsize\ngrid/a.mpg\tgrid-s1\t360x288\ngrid/b.mpg\tgrid-s1\t360x288\nobama/s1.mp4\tobama\t1280x720\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Corpus(path: root.path)
        #expect(corpus.clips.count == 3)
        #expect(corpus.persons == ["grid-s1", "obama"])
        #expect(corpus.clips.allSatisfy { $0.path.hasPrefix(root.standardizedFileURL.path) })
        // The manifest itself names the same corpus.
        let direct = try Corpus(path: root.appendingPathComponent("manifest.tsv").path)
        #expect(direct.clips.map(\.path) == corpus.clips.map(\.path))
    }

    @Test func manifestWithoutPersonColumnOrWithMissingClipIsAnError() throws {
        let bad = try Self.folder(["a.mp4"], manifest: "path\tspeaker\na.mp4\tx\n")
        let missing = try Self.folder(["a.mp4"], manifest: "path\tperson\nb.mp4\tx\n")
        defer { try? FileManager.default.removeItem(at: bad); try? FileManager.default.removeItem(at: missing) }
        #expect(throws: CorpusError.self) { _ = try Corpus(path: bad.path) }
        #expect(throws: CorpusError.self) { _ = try Corpus(path: missing.path) }
    }

    @Test func singleClipIsACorpusOfOne() throws {
        let root = try Self.folder(["speaker.webm"])
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Corpus(path: root.appendingPathComponent("speaker.webm").path)
        #expect(corpus.clips.map(\.person) == ["speaker"])
    }

    @Test func emptyAndMissingFoldersAreErrors() throws {
        let root = try Self.folder(["readme.txt"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: CorpusError.emptyCorpus(root.path)) { _ = try Corpus(path: root.path) }
        #expect(throws: CorpusError.notFound("/nonexistent/corpus")) { _ = try Corpus(path: "/nonexistent/corpus") }
    }

    @Test func splitsArePersonDisjointCompleteAndSeeded() throws {
        var clips: [Clip] = []
        for p in 0..<20 { for c in 0..<(1 + p % 3) { clips.append(Clip(path: "/c/p\(p)/\(c).mp4", relativePath: "p\(p)/\(c).mp4", person: "p\(p)")) } }
        let corpus = try Corpus(root: "/c", clips: clips)
        let s = try corpus.split(SplitSettings(trainFraction: 0.7, validationFraction: 0.15, seed: 5))
        let persons = [s.train, s.validation, s.test].map { Set($0.map(\.person)) }
        #expect(persons[0].isDisjoint(with: persons[1]) && persons[0].isDisjoint(with: persons[2]) && persons[1].isDisjoint(with: persons[2]))
        #expect(s.train.count + s.validation.count + s.test.count == clips.count)
        #expect(persons.map(\.count) == [14, 3, 3])
        #expect(try corpus.split(SplitSettings(trainFraction: 0.7, validationFraction: 0.15, seed: 5)) == s)
        let other = try corpus.split(SplitSettings(trainFraction: 0.7, validationFraction: 0.15, seed: 6))
        #expect(Set(other.test.map(\.person)) != persons[2])
    }

    @Test func smallCorpusStillGetsEveryPart() throws {
        let clips = ["a", "b", "c"].map { Clip(path: "/c/\($0).mp4", relativePath: "\($0).mp4", person: $0) }
        let s = try Corpus(root: "/c", clips: clips).split(SplitSettings(trainFraction: 0.8, validationFraction: 0.1))
        let counts: [Int] = [s.train.count, s.validation.count, s.test.count]
        #expect(counts == [1, 1, 1])
    }

    @Test func badFractionsAreAnError() throws {
        let corpus = try Corpus(root: "/c", clips: [Clip(path: "/c/a.mp4", relativePath: "a.mp4", person: "a")])
        #expect(throws: CorpusError.self) { _ = try corpus.split(SplitSettings(trainFraction: 0.9, validationFraction: 0.2)) }
        #expect(throws: CorpusError.self) { _ = try corpus.split(SplitSettings(trainFraction: -0.1)) }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestSpeech.sharedData + "/manifest.tsv"), "no shared/data beside the checkout"))
    func sharedDataManifestReads() throws {
        let corpus = try Corpus(path: TestSpeech.sharedData)
        #expect(corpus.clips.count >= 31)
        #expect(corpus.clips(of: "grid-s2").count == 2)
        let s = try corpus.split(SplitSettings(seed: 1))
        #expect(Set(s.train.map(\.person)).isDisjoint(with: Set(s.test.map(\.person))))
    }
}
