import DropfillTestSupport
import Foundation
import Testing
@testable import Corpus

/// A folder scan takes every file FFmpeg reads as video, whatever its extension, and counts the ones it cannot.
@Suite struct CorpusScanTests {
    @Test func flvClipsAreFoundAndUnreadableFilesCounted() throws {
        let root = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let sub = root.appendingPathComponent("talks")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        _ = try TestClips.movingClip(in: root, name: "a.flv", frames: 12, size: 32)
        _ = try TestClips.movingClip(in: sub, name: "b.flv", frames: 12, size: 32)
        try Data("not a video at all\n".utf8).write(to: root.appendingPathComponent("data.bin"))
        try Data("{}".utf8).write(to: root.appendingPathComponent("notes.json"))
        try Data("x".utf8).write(to: root.appendingPathComponent(".hidden.flv"))
        let corpus = try Corpus(path: root.path)
        #expect(corpus.clips.map(\.relativePath) == ["a.flv", "talks/b.flv"])
        #expect(corpus.clips.map(\.person) == ["a", "b"])
        // Known non-media and hidden files are skipped unasked; the rest FFmpeg was asked about.
        #expect(corpus.skipped == ["data.bin"])
        #expect(Corpus.skippedNote(corpus.skipped) == "1 file FFmpeg cannot read as video skipped (data.bin)")
        // A split keeps the count.
        let all = try CorpusSelection.select(path: root.path, manifest: nil, split: "all", seed: 0)
        #expect(all.skipped == ["data.bin"])
    }

    @Test func aFolderOfNothingReadableSaysWhatItSkipped() throws {
        let root = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("plain text".utf8).write(to: root.appendingPathComponent("clip.flv"))
        #expect(throws: CorpusError.emptyCorpus("\(root.path) (1 file FFmpeg cannot read as video skipped (clip.flv))")) {
            try Corpus(path: root.path)
        }
    }
}
