import Corpus
import Foundation
import Restoration

/// A rating study: which clips, which restoration methods, how frames are dropped, what raters score and how.
///
/// Read from a small JSON file (see `SampleData/studies/example.json`). Clip paths are relative to the study file.
/// The ground truth of every clip is always added as a hidden reference stimulus (method `reference`), which
/// raters never see named and which DMOS is computed against (ITU-T P.910 ACR with hidden reference).
public struct Study: Sendable, Equatable {
    /// Name of the study; keys its rows in the database and its stimulus cache.
    public var name: String
    /// Source clips, as written in the file.
    public var clips: [String]
    /// Restoration methods (`RestorerCatalog` names); the reference is implicit.
    public var methods: [String]
    /// How frames are dropped before restoring (one mask per clip, from this seed).
    public var drop: DropSettings
    /// What raters score each stimulus on.
    public var attributes: [String]
    public var scale: RatingScale
    /// Training trials shown first (their ratings are stored but excluded from every result).
    public var training: Int
    /// After this many minutes a session stops at the next stimulus (BT.500/P.910: keep sessions near 30 minutes).
    public var sessionMinutes: Double
    /// Whether a session may run without sound when the machine has no sound device.
    public var allowSilent: Bool
    /// Longest side (pixels) the stimuli are decoded at for display.
    public var maxSide: Int
    /// Models folder for the learned methods (relative to the study file), nil for the default search.
    public var models: String?
    /// Seconds of mid-grey screen before each stimulus (P.910's grey inter-stimulus interval).
    public var greySeconds: Double
    /// Seconds the voting window asks the rater to answer in (P.910: ≤ 10 s); the time taken is stored either way.
    public var votingSeconds: Double
    /// Folder of the study file: clip paths are resolved against it.
    public var baseDirectory: String

    /// The method name the hidden reference (the untouched clip) is stored under.
    public static let referenceMethod = "reference"
    /// The paper's three attributes (Section VI-F).
    public static let paperAttributes = ["Authenticity", "Continuity", "Overall perception"]

    public init(name: String, clips: [String], methods: [String], drop: DropSettings, attributes: [String] = Study.paperAttributes,
                scale: RatingScale = .oneToTen, training: Int = 2, sessionMinutes: Double = 30, allowSilent: Bool = false,
                maxSide: Int = 256, models: String? = nil, baseDirectory: String = ".", greySeconds: Double = 2, votingSeconds: Double = 10) {
        self.greySeconds = greySeconds
        self.votingSeconds = votingSeconds
        self.name = name
        self.clips = clips
        self.methods = methods
        self.drop = drop
        self.attributes = attributes
        self.scale = scale
        self.training = training
        self.sessionMinutes = sessionMinutes
        self.allowSilent = allowSilent
        self.maxSide = maxSide
        self.models = models
        self.baseDirectory = baseDirectory
    }

    // MARK: - Derived

    /// Absolute path of clip `i`.
    public func clipPath(_ i: Int) -> String {
        let c = clips[i]
        return c.hasPrefix("/") ? c : URL(fileURLWithPath: baseDirectory).appendingPathComponent(c).standardizedFileURL.path
    }

    /// The short name of clip `i` (its file name without extension), unique within the study.
    public func clipName(_ i: Int) -> String { URL(fileURLWithPath: clips[i]).deletingPathExtension().lastPathComponent }

    /// Every stimulus: each clip restored by each method, plus the clip itself as the hidden reference.
    public var stimuli: [Stimulus] {
        var out: [Stimulus] = []
        for i in clips.indices {
            for m in methods + [Study.referenceMethod] {
                out.append(Stimulus(clip: clipName(i), clipIndex: i, method: m))
            }
        }
        return out
    }

    /// A short hash of everything that decides the stimuli and their scoring (hex FNV-1a 64 of a canonical form).
    public var fingerprint: String {
        var canonical = "name=\(name)\nclips=\(clips.joined(separator: "|"))\nmethods=\(methods.joined(separator: "|"))\n"
        canonical += "drop=\(drop.model.rawValue),\(drop.rate),\(drop.seed),\(drop.burstLength.map { "\($0)" } ?? "-")\n"
        canonical += "attributes=\(attributes.joined(separator: "|"))\nscale=\(scale.rawValue)\nmax_side=\(maxSide)"
        let s = String(FNV1a.hash(canonical.utf8), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The name with anything but letters, digits, `-`, `_` and `.` replaced: safe as a folder name.
    public var safeName: String {
        String(name.unicodeScalars.map { s -> Character in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-_.".unicodeScalars.contains(s)) ? Character(s) : "_"
        })
    }
}

/// One thing a rater watches and scores: a clip restored by a method (or the hidden reference).
public struct Stimulus: Sendable, Hashable, Codable {
    public var clip: String
    public var clipIndex: Int
    public var method: String

    public init(clip: String, clipIndex: Int, method: String) {
        self.clip = clip
        self.clipIndex = clipIndex
        self.method = method
    }

    /// "clip/method": the stimulus key in the database and the exports.
    public var id: String { clip + "/" + method }
    public var isReference: Bool { method == Study.referenceMethod }
}

// MARK: - File format

extension Study {
    /// The JSON file's shape (snake_case keys; everything but name, clips, methods and drop.rate optional).
    struct File: Codable {
        struct Drop: Codable {
            var rate: Double
            var seed: UInt64?
            var model: String?
            var burst_length: Double?
        }

        var name: String
        var clips: [String]
        var methods: [String]
        var drop: Drop
        var attributes: [String]?
        var scale: String?
        var training: Int?
        var session_minutes: Double?
        var allow_silent: Bool?
        var max_side: Int?
        var models: String?
        var grey_seconds: Double?
        var voting_seconds: Double?
    }

    /// Reads and checks a study file: every method must be known and (with `requireClips`) every clip must exist.
    public static func load(path: String, requireClips: Bool = true) throws(RatingError) -> Study {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .invalidStudy(path: path, reason: "no such file") }
        guard !isFolder.boolValue else { throw .invalidStudy(path: path, reason: "is a folder, not a study file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidStudy(path: path, reason: "cannot read the file")
        }
        return try parse(data, path: path, requireClips: requireClips)
    }

    /// Parses and checks the bytes of the study file at `path` (clips are looked up relative to it).
    public static func parse(_ data: Data, path: String, requireClips: Bool = true) throws(RatingError) -> Study {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidStudy(path: path, reason: "missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw .invalidStudy(path: path, reason: "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw .invalidStudy(path: path, reason: "not valid JSON")
        }
        var model = DropModel.bernoulli
        if let m = file.drop.model {
            guard let parsed = DropModel(rawValue: m) else {
                throw .invalidStudy(path: path, reason: "drop.model \"\(m)\" is not one of \(DropModel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            model = parsed
        }
        var scale = RatingScale.oneToTen
        if let s = file.scale {
            guard let parsed = RatingScale(spelling: s) else {
                throw .invalidStudy(path: path, reason: "scale \"\(s)\" is not one of \(RatingScale.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scale = parsed
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let study = Study(name: file.name, clips: file.clips, methods: file.methods,
                          drop: DropSettings(model: model, rate: file.drop.rate, seed: file.drop.seed ?? 0, burstLength: file.drop.burst_length),
                          attributes: file.attributes ?? paperAttributes, scale: scale, training: file.training ?? 2,
                          sessionMinutes: file.session_minutes ?? 30, allowSilent: file.allow_silent ?? false,
                          maxSide: file.max_side ?? 256, models: file.models, baseDirectory: base.isEmpty ? "." : base,
                          greySeconds: file.grey_seconds ?? 2, votingSeconds: file.voting_seconds ?? 10)
        try study.validate(path: path, requireClips: requireClips)
        return study
    }

    /// The most clips a study may list (start-up is linear in it; 10,000 clips start in seconds).
    public static let maxClips = 100_000

    /// Checks the settings and that every clip exists.
    public func validate(path: String, requireClips: Bool = true) throws(RatingError) {
        func fail(_ r: String) -> RatingError { .invalidStudy(path: path, reason: r) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("the name is empty") }
        guard !clips.isEmpty else { throw fail("no clips") }
        guard !methods.isEmpty else { throw fail("no methods") }
        for m in methods {
            guard m != Study.referenceMethod else { throw fail("\"reference\" is added by itself (hidden); do not list it") }
            guard RestorerCatalog.all.contains(m) else {
                throw fail("unknown method \"\(m)\" (known: \(RestorerCatalog.all.joined(separator: ", ")))")
            }
        }
        guard Set(methods).count == methods.count else { throw fail("a method is listed twice") }
        guard !attributes.isEmpty, Set(attributes).count == attributes.count,
              attributes.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else { throw fail("attributes must be non-empty and distinct") }
        guard drop.rate > 0, drop.rate < 1 else { throw fail("drop.rate must lie strictly between 0 and 1, got \(drop.rate)") }
        guard clips.count <= Self.maxClips else { throw fail("\(clips.count) clips; at most \(Self.maxClips) are supported") }
        guard methods.count <= 64 else { throw fail("\(methods.count) methods; at most 64 are supported") }
        guard training >= 0, training <= 1000 else { throw fail("training must lie in 0…1000, got \(training)") }
        guard sessionMinutes.isFinite, sessionMinutes > 0, sessionMinutes <= 24 * 60 else {
            throw fail("session_minutes must lie in (0, 1440] (one day), got \(sessionMinutes)")
        }
        guard maxSide >= 16, maxSide <= 4096 else { throw fail("max_side must lie in 16…4096, got \(maxSide)") }
        if let b = drop.burstLength, !(b.isFinite && b >= 1 && b <= 1_000_000) {
            throw fail("drop.burst_length must be a finite number in 1…1000000, got \(b)")
        }
        guard greySeconds.isFinite, greySeconds >= 0, greySeconds <= 30 else { throw fail("grey_seconds must lie in 0…30, got \(greySeconds)") }
        guard votingSeconds.isFinite, votingSeconds > 0, votingSeconds <= 600 else { throw fail("voting_seconds must lie in (0, 600], got \(votingSeconds)") }
        let audible = methods.filter(RestorerCatalog.usesAudio)
        if allowSilent && !audible.isEmpty {
            throw fail("allow_silent is true, but \(audible.joined(separator: ", ")) restore(s) from the sound: raters must hear it (remove allow_silent or those methods)")
        }
        let names = clips.indices.map(clipName)
        guard Set(names).count == names.count else { throw fail("two clips share a file name (stimuli are named by it)") }
        for i in clips.indices where requireClips && !FileManager.default.fileExists(atPath: clipPath(i)) {
            throw fail("clip \(clips[i]) not found (looked at \(clipPath(i)))")
        }
    }
}
