import Foundation

/// The project's one person-disjoint split: every audio-visual clip of the shared data, by person, on one side —
/// train, validation or test — or excluded with a reason (`SampleData/corpora/split.tsv`).
///
/// Ali-Net and FE-Net train on `train`, calibration and fusion weights use `validation`, and every reported score
/// is on `test`, so no person is both learned from and scored. The file is a corpus manifest (`path` and `person`
/// columns, paths relative to the file's folder) with two more columns, `source` (the corpus or repository the clip
/// came from) and `side`, and an optional `note` (why a clip is excluded, its sync check).
public struct ProjectSplit: Sendable, Equatable {
    /// Where a clip goes.
    public enum Side: String, Sendable, Codable, CaseIterable {
        case train, validation, test
        /// Kept out of every audio-visual use (out of sync, not the person's voice, no complete frames); see its note.
        case excluded
    }

    /// One clip of the split.
    public struct Entry: Sendable, Equatable, Codable {
        /// The clip (absolute path, path as written in the file, person).
        public var clip: Clip
        /// The corpus or repository it came from (`grid`, `voxceleb2`, `edtalk`, …).
        public var source: String
        public var side: Side
        /// Free text: the reason for an exclusion, the sync check.
        public var note: String
    }

    /// The split file inside a checkout (the CLI finds it beside the shipped models, see `ModelLocator.projectSplit()`).
    public static let shippedPath = "SampleData/corpora/split.tsv"

    /// The file read.
    public let path: String
    /// Every clip, in file order.
    public let entries: [Entry]

    // MARK: - Reading

    /// Reads a split file; the clips need not exist (a checkout without the shared data still reads it). Throws when
    /// a column is missing, a side is unknown, or a person is on two sides.
    public init(path: String) throws(CorpusError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            if !FileManager.default.fileExists(atPath: path) { throw .notFound(path) }
            throw .io(path: path, reason: error.localizedDescription)
        }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        guard !lines.isEmpty else { throw .invalidManifest(path: path, reason: "it is empty") }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let column = { (name: String) in header.firstIndex(of: name) }
        guard let pathColumn = column("path"), let personColumn = column("person"), let sourceColumn = column("source"),
              let sideColumn = column("side") else {
            throw .invalidManifest(path: path, reason: "the header row needs the tab-separated columns path, person, source and side")
        }
        let noteColumn = column("note")
        var entries: [Entry] = []
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let field = { (i: Int) in i < fields.count ? fields[i] : "" }
            let relative = field(pathColumn), person = field(personColumn)
            guard !relative.isEmpty, !person.isEmpty else { throw .invalidManifest(path: path, reason: "row \(number + 2) lacks a path or a person") }
            guard let side = Side(rawValue: field(sideColumn)) else {
                throw .invalidManifest(path: path, reason: "row \(number + 2): side '\(field(sideColumn))' is not one of \(Side.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : folder.appendingPathComponent(relative)
            entries.append(Entry(clip: Clip(path: url.standardizedFileURL.path, relativePath: relative, person: person),
                                 source: field(sourceColumn), side: side, note: noteColumn.map(field) ?? ""))
        }
        var sideOf: [String: Side] = [:]
        for e in entries where e.side != .excluded {
            if let known = sideOf[e.clip.person], known != e.side {
                throw .invalidManifest(path: path, reason: "person \(e.clip.person) is on both \(known.rawValue) and \(e.side.rawValue)")
            }
            sideOf[e.clip.person] = e.side
        }
        self.path = path
        self.entries = entries
    }

    // MARK: - Queries

    /// The side of `person` (nil for a person the split does not list, or lists only as excluded).
    public func side(of person: String) -> Side? {
        entries.first { $0.clip.person == person && $0.side != .excluded }?.side
    }

    /// The entries on `side`.
    public func entries(on side: Side) -> [Entry] { entries.filter { $0.side == side } }

    /// The distinct persons on `side`, sorted.
    public func persons(on side: Side) -> [String] { Array(Set(entries(on: side).map(\.clip.person))).sorted() }

    /// The distinct sources on `side`, sorted.
    public func sources(on side: Side) -> [String] { Array(Set(entries(on: side).map(\.source))).sorted() }

    /// The entry for a clip file (matched by its resolved path), if the split lists it.
    public func entry(forFile path: String) -> Entry? {
        let key = Self.key(path)
        return entries.first { Self.key($0.clip.path) == key }
    }

    /// A corpus divided by this split: a listed clip goes to its side (an excluded one is left out); an unlisted clip
    /// of a listed person goes to that person's side; clips of persons the split does not know are returned apart.
    public func divide(_ clips: [Clip]) -> (split: CorpusSplit, excluded: [Clip], unlisted: [Clip]) {
        var parts: [Side: [Clip]] = [:]
        var unlisted: [Clip] = []
        let byFile = Dictionary(entries.map { (Self.key($0.clip.path), $0) }, uniquingKeysWith: { a, _ in a })
        for clip in clips {
            if let e = byFile[Self.key(clip.path)] {
                parts[e.side, default: []].append(clip)
            } else if let side = side(of: clip.person) {
                parts[side, default: []].append(clip)
            } else {
                unlisted.append(clip)
            }
        }
        return (CorpusSplit(train: parts[.train] ?? [], validation: parts[.validation] ?? [], test: parts[.test] ?? []),
                parts[.excluded] ?? [], unlisted)
    }

    private static func key(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path }
}
