import DropfillTestSupport
import Foundation
import Testing
@testable import Corpus

/// The project's one person-disjoint split (SampleData/corpora/split.tsv) and how `--split` applies it.
@Suite struct ProjectSplitTests {
    /// The shipped split file of this checkout.
    static let shippedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(ProjectSplit.shippedPath).path
    static let sharedManifest = TestSpeech.sharedData + "/manifest.tsv"
    static let haveSharedData = FileManager.default.fileExists(atPath: sharedManifest)

    @Test func shippedSplitIsPersonDisjointWithEnoughTestPersons() throws {
        let split = try ProjectSplit(path: Self.shippedPath)
        let sides: [ProjectSplit.Side] = [.train, .validation, .test]
        let persons = sides.map { Set(split.persons(on: $0)) }
        for i in 0..<3 { for j in (i + 1)..<3 { #expect(persons[i].isDisjoint(with: persons[j]), "\(sides[i]) and \(sides[j]) share a person") } }
        #expect(split.persons(on: .test).count >= 6)
        #expect(split.sources(on: .test).count >= 3)
        #expect(split.persons(on: .validation).count >= 3)
        #expect(split.persons(on: .train).count > split.persons(on: .test).count)
        for e in split.entries(on: .excluded) { #expect(!e.note.isEmpty, "\(e.clip.relativePath) is excluded without a reason") }
    }

    @Test(.enabled(if: haveSharedData, "no shared/data beside the checkout"))
    func shippedSplitCoversEveryClipOfTheSharedManifest() throws {
        let split = try ProjectSplit(path: Self.shippedPath)
        let manifest = try Corpus.readManifest(Self.sharedManifest)
        for clip in manifest {
            let entry = split.entry(forFile: clip.path)
            #expect(entry != nil, "\(clip.relativePath) is not in the split")
            #expect(entry?.clip.person == clip.person, "\(clip.relativePath): person differs from the manifest")
        }
        #expect(split.entries.count == manifest.count)
    }

    @Test(.enabled(if: haveSharedData, "no shared/data beside the checkout"))
    func selectionUsesTheProjectSplit() throws {
        let split = try ProjectSplit(path: Self.shippedPath)
        var seen: [String: String] = [:]
        for side in ["train", "validation", "test"] {
            let corpus = try CorpusSelection.select(path: TestSpeech.sharedData, manifest: nil, split: side, seed: 3, project: split)
            for clip in corpus.clips {
                #expect(split.side(of: clip.person)?.rawValue == side, "\(clip.relativePath) on \(side)")
                #expect(split.entry(forFile: clip.path)?.side != .excluded, "excluded \(clip.relativePath) selected")
                #expect(seen.updateValue(side, forKey: clip.path) == nil, "\(clip.relativePath) on two sides")
            }
        }
        let kept = split.entries.filter { $0.side != .excluded }.count
        #expect(seen.count == kept)
    }

    @Test func unlistedPersonsAreSplitBySeedAndExcludedClipsLeftOut() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = """
        path\tperson\tsource\tside\tnote
        a1.mp4\ta\tx\ttrain\t
        a2.mp4\ta\tx\texcluded\tout of sync
        b1.mp4\tb\ty\ttest\t
        c1.mp4\tc\ty\tvalidation\t
        """
        try table.write(to: folder.appendingPathComponent("split.tsv"), atomically: true, encoding: .utf8)
        let split = try ProjectSplit(path: folder.appendingPathComponent("split.tsv").path)
        let clip = { (name: String, person: String) in Clip(path: folder.appendingPathComponent(name).path, relativePath: name, person: person) }
        let clips = [clip("a1.mp4", "a"), clip("a2.mp4", "a"), clip("a3.mp4", "a"), clip("b1.mp4", "b"), clip("c1.mp4", "c"),
                     clip("z1.mp4", "z"), clip("y1.mp4", "y")]
        let divided = split.divide(clips)
        #expect(divided.split.train.map(\.relativePath) == ["a1.mp4", "a3.mp4"])
        #expect(divided.split.test.map(\.relativePath) == ["b1.mp4"])
        #expect(divided.split.validation.map(\.relativePath) == ["c1.mp4"])
        #expect(divided.excluded.map(\.relativePath) == ["a2.mp4"])
        #expect(Set(divided.unlisted.map(\.person)) == ["z", "y"])
    }

    @Test func aPersonOnTwoSidesIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("split-bad-\(getpid()).tsv").path
        try "path\tperson\tsource\tside\nx.mp4\tp\ts\ttrain\ny.mp4\tp\ts\ttest\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: CorpusError.self) { _ = try ProjectSplit(path: path) }
        try "path\tperson\tsource\tside\nx.mp4\tp\ts\tholdout\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CorpusError.self) { _ = try ProjectSplit(path: path) }
    }
}
