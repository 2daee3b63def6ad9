import Corpus
import Foundation
import SafeOutput

/// Where an evaluation keeps its per-clip results, one JSON line each, so that an interrupted run resumes from the
/// clips already scored and shards run on other machines can be merged.
///
/// Layout of the folder: `settings.json` (the settings the results were made with; a run with other settings
/// refuses the folder) and `results[-shard-I-of-N].jsonl`. Each line is appended and flushed as soon as its clip is
/// scored, so a killed run loses at most the clip it was working on.
public struct EvaluationStore: Sendable {
    public let directory: URL
    public let shard: Shard?

    /// A deterministic slice of the clip list: clip number c (in path order) belongs to shard c mod count.
    public struct Shard: Sendable, Equatable, CustomStringConvertible {
        public var index: Int
        public var count: Int

        /// Parses "i/n" with 0 ≤ i < n.
        public init(parsing text: String) throws(CorpusError) {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] > 0, parts[0] >= 0, parts[0] < parts[1] else {
                throw .invalidSetting("--shard must be i/n with 0 ≤ i < n, got \(text)")
            }
            index = parts[0]
            count = parts[1]
        }

        public func contains(_ clipNumber: Int) -> Bool { clipNumber % count == index }
        public var description: String { "\(index)/\(count)" }
    }

    public init(directory: URL, shard: Shard? = nil) {
        self.directory = directory
        self.shard = shard
    }

    var resultsURL: URL {
        directory.appendingPathComponent(shard.map { "results-shard-\($0.index)-of-\($0.count).jsonl" } ?? "results.jsonl")
    }

    /// Creates the folder, or checks that the results already in it were made with `settings`.
    public func open(settings: some Codable & Equatable) throws(CorpusError) {
        let url = directory.appendingPathComponent("settings.json")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(settings)
            if FileManager.default.fileExists(atPath: url.path) {
                let existing = try Data(contentsOf: url)
                guard existing == data else {
                    throw CorpusError.invalidSetting("\(directory.path) holds results made with other settings; use another --state folder or delete it")
                }
            } else {
                try data.write(to: url, options: .atomic)
            }
        } catch let error as CorpusError {
            throw error
        } catch {
            throw .io(path: directory.path, reason: ErrorText.reason(error))
        }
    }

    /// The results already stored by this run's file.
    public func load() throws(CorpusError) -> [ClipResult] { try Self.read(resultsURL) }

    /// Appends one result and flushes it to disk.
    public func append(_ result: ClipResult) throws(CorpusError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var line = try encoder.encode(result)
            line.append(0x0A)
            if !FileManager.default.fileExists(atPath: resultsURL.path) {
                _ = FileManager.default.createFile(atPath: resultsURL.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: resultsURL)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
            try handle.synchronize()
        } catch {
            throw .io(path: resultsURL.path, reason: ErrorText.reason(error))
        }
    }

    /// Every result in every results file of `directory` (all shards), one per clip and seed.
    public static func merge(directory: URL) throws(CorpusError) -> [ClipResult] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.lastPathComponent.hasPrefix("results") && $0.pathExtension == "jsonl" }
                .sorted { $0.path < $1.path }
        } catch {
            throw .notFound(directory.path)
        }
        guard !files.isEmpty else { throw .emptyCorpus("\(directory.path) (no results*.jsonl files)") }
        var seen = Set<String>(), out: [ClipResult] = []
        for f in files {
            for r in try read(f) where seen.insert(r.key).inserted { out.append(r) }
        }
        return out
    }

    /// Reads a JSON-lines results file; a torn last line (a killed writer) is ignored, any other bad line is an error.
    static func read(_ url: URL) throws(CorpusError) -> [ClipResult] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .io(path: url.path, reason: ErrorText.reason(error)) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        var out: [ClipResult] = []
        for (i, line) in lines.enumerated() {
            do {
                out.append(try JSONDecoder().decode(ClipResult.self, from: Data(line.utf8)))
            } catch {
                if i == lines.count - 1 && !text.hasSuffix("\n") { break }
                throw .io(path: url.path, reason: "line \(i + 1) is not a result: \(error)")
            }
        }
        return out
    }
}
