import Foundation
import Media
import Tensor

/// One clip of a corpus and the person it shows.
public struct Clip: Sendable, Codable, Hashable {
    /// Absolute path of the media file.
    public var path: String
    /// Path relative to the corpus root (the file name for a single-clip corpus).
    public var relativePath: String
    /// Person ID: from the manifest, else the VoxCeleb2 layout, else the file stem.
    public var person: String

    public init(path: String, relativePath: String, person: String) {
        self.path = path
        self.relativePath = relativePath
        self.person = person
    }
}

/// A folder of clips (or a single clip), with a person ID for every clip.
///
/// Clips are the files under the root that FFmpeg reads as video (any container: `ContainerProbe` asks it; a file
/// with one of the common video extensions is taken without asking, hidden files and known non-media are skipped
/// unasked). Person IDs, in order of precedence:
/// 1. a manifest: a TSV file with a header row holding at least the columns `path` and `person` (the format of
///    the shared data's `manifest.tsv`), paths relative to the manifest's folder. When a manifest is given (or the
///    root folder holds a `manifest.tsv`), the corpus is exactly the clips it lists; a listed file that does not
///    exist is an error;
/// 2. the VoxCeleb2 layout `<person>/<video>/<utterance>.mp4`: a clip three or more levels below the root takes its
///    grandparent folder's name (so `dev/mp4/id00012/abc/00001.mp4` under `dev` is person `id00012`);
/// 3. the file stem (`clip.mp4` → `clip`).
///
/// Clips are sorted by relative path, so a corpus lists the same way on every machine.
public struct Corpus: Sendable {
    /// Extensions of the common video containers: a folder scan takes these files without probing them (a corpus of
    /// a million clips is listed, not opened). Every other file is probed (`ContainerProbe`).
    public static let mediaExtensions: Set<String> = ["mp4", "mpg", "mpeg", "mkv", "mov", "avi", "webm", "m4v"]
    /// Extensions a folder scan skips without probing: the data, text, model and image files corpora hold beside
    /// their clips.
    public static let nonMediaExtensions: Set<String> = [
        "json", "tsv", "csv", "txt", "md", "align", "srt", "vtt", "xml", "yml", "yaml", "toml", "html", "pdf", "log",
        "py", "sh", "swift", "safetensors", "ckpt", "checkpoint", "sqlite", "db", "npy", "npz", "pt", "pth", "onnx",
        "zip", "gz", "tar", "xz", "png", "jpg", "jpeg", "bmp", "ppm", "pgm", "tif", "tiff", "webp",
    ]
    /// The manifest file name looked for in the root folder.
    public static let manifestName = "manifest.tsv"

    /// The folder (or the single clip) the corpus was read from, absolute.
    public let root: String
    /// Every clip, sorted by relative path.
    public let clips: [Clip]
    /// Files of a folder scan that FFmpeg could not read as video (relative paths, sorted); empty for a manifest.
    public let skipped: [String]

    /// Reads the corpus at `path` (a folder, one clip, or a manifest `.tsv` itself); `manifest` overrides the root's
    /// `manifest.tsv`.
    public init(path: String, manifest: String? = nil) throws(CorpusError) {
        let fm = FileManager.default
        let rootURL = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: rootURL.path, isDirectory: &isDir) else { throw .notFound(path) }
        root = rootURL.path
        let isManifest = !isDir.boolValue && rootURL.pathExtension.lowercased() == "tsv"
        let manifestPath = manifest ?? (isManifest ? rootURL.path : nil) ?? (isDir.boolValue && fm.fileExists(atPath: rootURL.appendingPathComponent(Self.manifestName).path)
            ? rootURL.appendingPathComponent(Self.manifestName).path : nil)
        var found: [Clip], skippedFiles: [String] = []
        if let manifestPath {
            found = try Self.readManifest(manifestPath)
        } else if !isDir.boolValue {
            let stem = rootURL.deletingPathExtension().lastPathComponent
            found = [Clip(path: rootURL.path, relativePath: rootURL.lastPathComponent, person: stem)]
        } else {
            (found, skippedFiles) = try Self.scan(rootURL)
        }
        found.sort { $0.relativePath < $1.relativePath }
        guard !found.isEmpty else {
            throw .emptyCorpus(skippedFiles.isEmpty ? path : "\(path) (\(Self.skippedNote(skippedFiles)))")
        }
        clips = found
        skipped = skippedFiles.sorted()
    }

    /// "2 files FFmpeg cannot read as video skipped (notes.bin, x.dat)": the one line a scan's skipped files make.
    public static func skippedNote(_ files: [String]) -> String {
        let shown = files.sorted().prefix(3).joined(separator: ", ") + (files.count > 3 ? ", …" : "")
        return "\(files.count) file\(files.count == 1 ? "" : "s") FFmpeg cannot read as video skipped (\(shown))"
    }

    /// A corpus from clips already known (for tests and for callers that build their own lists).
    public init(root: String, clips: [Clip], skipped: [String] = []) throws(CorpusError) {
        guard !clips.isEmpty else { throw .emptyCorpus(root) }
        self.root = root
        self.clips = clips.sorted { $0.relativePath < $1.relativePath }
        self.skipped = skipped.sorted()
    }

    /// Every distinct person ID, sorted.
    public var persons: [String] { Array(Set(clips.map(\.person))).sorted() }

    /// The clips showing `person`.
    public func clips(of person: String) -> [Clip] { clips.filter { $0.person == person } }

    // MARK: - Reading

    /// Every clip under `rootURL`, and the files FFmpeg could not read as video.
    private static func scan(_ rootURL: URL) throws(CorpusError) -> (clips: [Clip], skipped: [String]) {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: rootURL, includingPropertiesForKeys: [.isRegularFileKey],
                                         options: [.skipsHiddenFiles]) else { throw .io(path: rootURL.path, reason: "cannot list the folder") }
        let base = rootURL.resolvingSymlinksInPath().pathComponents
        var clips: [Clip] = [], skipped: [String] = []
        for case let url as URL in walker {
            let ext = url.pathExtension.lowercased()
            guard !nonMediaExtensions.contains(ext),
                  (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let components = url.resolvingSymlinksInPath().pathComponents
            let relative = components.count > base.count && Array(components.prefix(base.count)) == base
                ? Array(components.dropFirst(base.count)) : [url.lastPathComponent]
            if !mediaExtensions.contains(ext) && (try? ContainerProbe.videoFormat(path: url.path)) == nil {
                skipped.append(relative.joined(separator: "/"))
                continue
            }
            let person = relative.count >= 3 ? relative[relative.count - 3] : url.deletingPathExtension().lastPathComponent
            clips.append(Clip(path: url.standardizedFileURL.path, relativePath: relative.joined(separator: "/"), person: person))
        }
        return (clips, skipped)
    }

    /// Reads a manifest TSV: a header row naming the columns, then one clip per row (`path` and `person` required).
    public static func readManifest(_ path: String) throws(CorpusError) -> [Clip] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            if !FileManager.default.fileExists(atPath: path) { throw .notFound(path) }
            throw .io(path: path, reason: "cannot read it as UTF-8 text")
        }
        return try parseManifest(text, path: path)
    }

    /// Parses the text of the manifest at `path` (its clips are looked up beside it).
    public static func parseManifest(_ text: String, path: String) throws(CorpusError) -> [Clip] {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw .invalidManifest(path: path, reason: "it is empty") }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pathColumn = header.firstIndex(of: "path"), let personColumn = header.firstIndex(of: "person") else {
            throw .invalidManifest(path: path, reason: "the header row needs the tab-separated columns 'path' and 'person'")
        }
        var clips: [Clip] = []
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count > max(pathColumn, personColumn), !fields[pathColumn].isEmpty, !fields[personColumn].isEmpty else {
                throw .invalidManifest(path: path, reason: "row \(number + 2) lacks a path or a person")
            }
            let relative = fields[pathColumn]
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : folder.appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .invalidManifest(path: path, reason: "row \(number + 2): no such clip \(url.path)")
            }
            clips.append(Clip(path: url.standardizedFileURL.path, relativePath: relative, person: fields[personColumn]))
        }
        return clips
    }
}

// MARK: - Splits

/// How a corpus is divided into training, validation and test sets.
public struct SplitSettings: Sendable, Codable, Equatable {
    /// Share of persons for training.
    public var trainFraction: Double
    /// Share of persons for validation; the rest go to test.
    public var validationFraction: Double
    /// Seed of the shuffle of persons.
    public var seed: UInt64

    public init(trainFraction: Double = 0.8, validationFraction: Double = 0.1, seed: UInt64 = 0) {
        self.trainFraction = trainFraction
        self.validationFraction = validationFraction
        self.seed = seed
    }
}

/// A corpus divided by person: no person appears in two parts.
public struct CorpusSplit: Sendable, Codable, Equatable {
    public var train: [Clip]
    public var validation: [Clip]
    public var test: [Clip]
}

extension Corpus {
    /// Splits by person, deterministically from the seed.
    ///
    /// Persons are sorted, shuffled with `SeededGenerator(seed:)` (Fisher–Yates), and cut into
    /// round(P·train) training persons, round(P·validation) validation persons and the rest for test.
    /// With three or more persons, a part whose fraction is positive gets at least one person (taken from
    /// the largest part). Every clip of a person goes where the person goes.
    public func split(_ settings: SplitSettings = SplitSettings()) throws(CorpusError) -> CorpusSplit {
        let t = settings.trainFraction, v = settings.validationFraction
        guard t >= 0, v >= 0, t.isFinite, v.isFinite, t + v <= 1 + 1e-9 else {
            throw .invalidSetting("split fractions must be non-negative and sum to at most 1 (train \(t), validation \(v))")
        }
        var people = persons
        var rng = SeededGenerator(seed: settings.seed)
        people.shuffle(using: &rng)
        let p = people.count
        var counts = [Int((Double(p) * t).rounded()), Int((Double(p) * v).rounded()), 0]
        counts[0] = min(counts[0], p)
        counts[1] = min(counts[1], p - counts[0])
        counts[2] = p - counts[0] - counts[1]
        if p >= 3 {
            let wanted = [t > 0, v > 0, 1 - t - v > 1e-9]
            for part in 0..<3 where wanted[part] && counts[part] == 0 {
                if let donor = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[donor] > 1 {
                    counts[donor] -= 1
                    counts[part] += 1
                }
            }
        }
        let trainSet = Set(people.prefix(counts[0]))
        let validationSet = Set(people.dropFirst(counts[0]).prefix(counts[1]))
        return CorpusSplit(train: clips.filter { trainSet.contains($0.person) },
                           validation: clips.filter { validationSet.contains($0.person) },
                           test: clips.filter { !trainSet.contains($0.person) && !validationSet.contains($0.person) })
    }
}
