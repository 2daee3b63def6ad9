import Foundation
import GRDB
import SafeOutput

/// One finished rating of a stimulus: a score per attribute plus how it was given. Stored in ONE transaction.
public struct CompletedRating: Sendable, Equatable {
    public var raterKey: Int64
    public var sessionKey: Int64
    /// Position in the rater's stored order (training trials come first).
    public var position: Int
    public var stimulus: Stimulus
    public var training: Bool
    /// Score per attribute, in the study's attribute order.
    public var scores: [Int]
    /// When the stimulus first started playing, and when the rater confirmed the scores.
    public var shownAt: Date
    public var answeredAt: Date
    /// Milliseconds from the end of the last playback to the confirmation.
    public var decisionMilliseconds: Int
    /// How many times the rater asked to see it again.
    public var replays: Int
    /// What the last playback really showed (frames shown, dropped to keep up with the sound, late, drift); nil
    /// when nothing was measured (ratings stored before schema 2).
    public var playback: PlaybackRecord?

    public init(raterKey: Int64, sessionKey: Int64, position: Int, stimulus: Stimulus, training: Bool, scores: [Int],
                shownAt: Date, answeredAt: Date, decisionMilliseconds: Int, replays: Int, playback: PlaybackRecord? = nil) {
        self.playback = playback
        self.raterKey = raterKey
        self.sessionKey = sessionKey
        self.position = position
        self.stimulus = stimulus
        self.training = training
        self.scores = scores
        self.shownAt = shownAt
        self.answeredAt = answeredAt
        self.decisionMilliseconds = decisionMilliseconds
        self.replays = replays
    }
}

/// One stored score (one attribute of one rating), as reports and exports read them.
public struct StoredScore: Sendable, Equatable, Codable {
    public var rater: String
    public var stimulus: String
    public var clip: String
    public var method: String
    public var attribute: String
    public var score: Double
    public var training: Bool
    public var position: Int
    public var shownAt: Date
    public var answeredAt: Date
    public var decisionMilliseconds: Int
    public var replays: Int
    public var terminal: String
    public var graphics: String
    public var softwareVersion: String
    /// The rating's playback record, when one was stored (schema 2 on).
    public var playback: PlaybackRecord?
}

/// A rater of a study as stored: their key, their order seed and their whole order (training trials first).
public struct RaterRecord: Sendable, Equatable {
    public var key: Int64
    public var id: String
    public var orderSeed: UInt64
    public var order: [PlannedTrial]
    /// Positions already rated.
    public var rated: Set<Int>

    /// The first trial of the order not yet rated (nil when the rater is done).
    public var nextPosition: Int? { order.first { !rated.contains($0.position) }?.position }
}

/// How the session ran: stored with every rating.
public struct SessionInfo: Sendable, Equatable {
    public var terminalColumns: Int
    public var terminalRows: Int
    public var graphics: String
    public var audio: Bool
    public var softwareVersion: String

    public init(terminalColumns: Int, terminalRows: Int, graphics: String, audio: Bool, softwareVersion: String) {
        self.terminalColumns = terminalColumns
        self.terminalRows = terminalRows
        self.graphics = graphics
        self.audio = audio
        self.softwareVersion = softwareVersion
    }
}

/// The ratings database: SQLite through GRDB, schema by `DatabaseMigrator`, append-only ratings.
///
/// Safety rules:
/// - A file that is not empty, not SQLite, or SQLite without dropfill's `application_id` (another program's
///   database) is refused before it is opened for writing: it stays byte-identical. So is a damaged file
///   (`PRAGMA quick_check` fails) and one written by a newer schema.
/// - Each rating (every attribute of one stimulus) is one transaction: a `kill -9` loses at most the rating being
///   entered. Triggers make `ratings` append-only: an UPDATE or DELETE aborts.
/// - Every value goes through bound parameters, never into SQL text.
public final class RatingStore: @unchecked Sendable {
    /// `PRAGMA application_id` of dropfill rating databases ("dfrt").
    public static let applicationID: Int32 = 0x6466_7274
    /// The schema this code writes (`PRAGMA user_version`).
    /// 2 added `playback` (what each rated playback showed); a version-1 file is migrated on open, its ratings kept.
    public static let schemaVersion = 2

    public let path: String
    let queue: DatabaseQueue

    /// Opens (or creates) the database at `path`, refusing foreign, damaged or newer files without touching them.
    public init(path: String) throws(RatingError) {
        self.path = path
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .invalidDatabase(path: path, reason: "is a folder; give the path of a database file (e.g. \(path)/ratings.sqlite)")
        }
        let size = ((try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        if let size, size > 0 {
            try Self.inspectExisting(path: path)
        } else {
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw .unwritable(path: dir, reason: "cannot create the folder (\(Self.reason(error)))")
            }
            guard fm.isWritableFile(atPath: dir) else { throw .unwritable(path: dir, reason: "the folder is not writable") }
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: Self.configuration(readonly: false))
            try Self.migrator.migrate(queue)
        } catch {
            throw .invalidDatabase(path: path, reason: Self.reason(error))
        }
    }

    /// How long a connection waits for another process's write to finish before it reports the database busy.
    public static let busyTimeout: TimeInterval = 30

    /// The connection settings: WAL journal (readers never block the writer nor one another, so raters and a
    /// `report` run side by side) and a busy timeout (writers queue instead of failing with "database is locked").
    static func configuration(readonly: Bool) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        if readonly { config.readonly = true } else { config.journalMode = .wal }
        return config
    }

    /// `$XDG_DATA_HOME/dropfill/ratings.sqlite`, else `~/.local/share/dropfill/ratings.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return base + "/dropfill/ratings.sqlite"
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return ErrorText.oneLine(error)
    }

    // MARK: - Refusing foreign files

    /// Checks an existing non-empty file read-only: SQLite header, dropfill's application_id (or no tables at all),
    /// a schema no newer than ours, and `quick_check`.
    static func inspectExisting(path: String) throws(RatingError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .invalidDatabase(path: path, reason: "cannot read the file") }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else {
            throw .invalidDatabase(path: path, reason: "not an SQLite database (left untouched)")
        }
        do {
            let ro = try DatabaseQueue(path: path, configuration: Self.configuration(readonly: true))
            defer { try? ro.close() }
            try ro.read { db in
                let app = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if app != applicationID {
                    if app == 0 && tables == 0 { return }
                    throw RatingError.invalidDatabase(path: path, reason: "another program's SQLite database, not dropfill's ratings (left untouched)")
                }
                guard version <= schemaVersion else {
                    throw RatingError.invalidDatabase(path: path, reason: "written by a newer dropfill (schema \(version), this one knows \(schemaVersion))")
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw RatingError.invalidDatabase(path: path, reason: "damaged: \(check.prefix(2).joined(separator: "; ")) (left untouched)")
                }
            }
        } catch let e as RatingError {
            throw e
        } catch {
            throw .invalidDatabase(path: path, reason: "damaged or unreadable: \(reason(error)) (left untouched)")
        }
    }

    // MARK: - Schema

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE dropfill_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE studies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    fingerprint TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    scale TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    created_at REAL NOT NULL);
                CREATE TABLE raters (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    rater TEXT NOT NULL,
                    order_seed INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (study_id, rater));
                CREATE TABLE rater_order (
                    rater_id INTEGER NOT NULL REFERENCES raters(id),
                    position INTEGER NOT NULL,
                    stimulus TEXT NOT NULL,
                    clip TEXT NOT NULL,
                    clip_index INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    training INTEGER NOT NULL,
                    PRIMARY KEY (rater_id, position));
                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rater_id INTEGER NOT NULL REFERENCES raters(id),
                    started_at REAL NOT NULL,
                    terminal_columns INTEGER NOT NULL,
                    terminal_rows INTEGER NOT NULL,
                    graphics TEXT NOT NULL,
                    audio INTEGER NOT NULL,
                    software_version TEXT NOT NULL);
                CREATE TABLE ratings (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rater_id INTEGER NOT NULL REFERENCES raters(id),
                    session_id INTEGER NOT NULL REFERENCES sessions(id),
                    position INTEGER NOT NULL,
                    stimulus TEXT NOT NULL,
                    clip TEXT NOT NULL,
                    method TEXT NOT NULL,
                    training INTEGER NOT NULL,
                    attribute TEXT NOT NULL,
                    score REAL NOT NULL,
                    shown_at REAL NOT NULL,
                    answered_at REAL NOT NULL,
                    decision_ms INTEGER NOT NULL,
                    replays INTEGER NOT NULL,
                    terminal_columns INTEGER NOT NULL,
                    terminal_rows INTEGER NOT NULL,
                    graphics TEXT NOT NULL,
                    software_version TEXT NOT NULL,
                    UNIQUE (rater_id, position, attribute));
                CREATE TRIGGER ratings_append_only_update BEFORE UPDATE ON ratings
                    BEGIN SELECT RAISE(ABORT, 'ratings are append-only'); END;
                CREATE TRIGGER ratings_append_only_delete BEFORE DELETE ON ratings
                    BEGIN SELECT RAISE(ABORT, 'ratings are append-only'); END;
                """)
            try db.execute(sql: "INSERT INTO dropfill_meta (key, value) VALUES ('application', 'dropfill ratings'), ('schema', ?)",
                           arguments: ["\(schemaVersion)"])
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        m.registerMigration("v2") { db in
            // One row per rating (not per attribute): what the rated playback showed. Ratings of version-1 files
            // simply have none.
            try db.execute(sql: """
                CREATE TABLE playback (
                    rater_id INTEGER NOT NULL REFERENCES raters(id),
                    position INTEGER NOT NULL,
                    frames INTEGER NOT NULL,
                    frames_shown INTEGER NOT NULL,
                    frames_dropped INTEGER NOT NULL,
                    late_frames INTEGER NOT NULL,
                    mean_drift_ms REAL NOT NULL,
                    max_drift_ms REAL NOT NULL,
                    audio INTEGER NOT NULL,
                    PRIMARY KEY (rater_id, position));
                """)
            try db.execute(sql: "UPDATE dropfill_meta SET value = '2' WHERE key = 'schema'")
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        return m
    }

    // MARK: - Studies and raters

    /// The study's row, created on first use; a study of the same name defined differently is refused.
    @discardableResult
    public func registerStudy(_ study: Study) throws(RatingError) -> Int64 {
        try run { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, fingerprint FROM studies WHERE name = ?", arguments: [study.name]) {
                let stored: String = row["fingerprint"]
                guard stored == study.fingerprint else {
                    throw RatingError.invalidStudy(path: study.name, reason: "the database already holds a study of this name with other clips, methods, drop settings, attributes or scale; give the changed study a new name")
                }
                return row["id"]
            }
            try db.execute(sql: "INSERT INTO studies (name, fingerprint, definition, scale, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [study.name, study.fingerprint, Self.definition(study), study.scale.rawValue,
                                       study.attributes.joined(separator: "\n"), Date().timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    static func definition(_ s: Study) -> String {
        let obj: [String: Any] = ["name": s.name, "clips": s.clips, "methods": s.methods, "attributes": s.attributes, "scale": s.scale.rawValue,
                                  "drop": ["model": s.drop.model.rawValue, "rate": s.drop.rate, "seed": s.drop.seed], "training": s.training,
                                  "session_minutes": s.sessionMinutes, "allow_silent": s.allowSilent, "max_side": s.maxSide]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The rater's record for `study`: created with `newSeed` and its order on first use, else read back as stored
    /// (the stored order is what a resumed session follows, whatever `newSeed` is).
    public func rater(_ id: String, study: Study, newSeed: UInt64) throws(RatingError) -> RaterRecord {
        let raterID = try RaterID.validate(id)
        let studyKey = try registerStudy(study)
        return try run { db in
            if try Row.fetchOne(db, sql: "SELECT id FROM raters WHERE study_id = ? AND rater = ?", arguments: [studyKey, raterID]) == nil {
                try db.execute(sql: "INSERT INTO raters (study_id, rater, order_seed, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [studyKey, raterID, Int64(bitPattern: newSeed), Date().timeIntervalSince1970])
                let key = db.lastInsertedRowID
                for t in TrialPlan.order(study: study, seed: newSeed) {
                    try db.execute(sql: "INSERT INTO rater_order (rater_id, position, stimulus, clip, clip_index, method, training) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [key, t.position, t.stimulus.id, t.stimulus.clip, t.stimulus.clipIndex, t.stimulus.method, t.training])
                }
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT id, order_seed FROM raters WHERE study_id = ? AND rater = ?", arguments: [studyKey, raterID])
            else { throw RatingError.invalidDatabase(path: self.path, reason: "rater row vanished") }
            let key: Int64 = row["id"]
            let seed: Int64 = row["order_seed"]
            let order = try Row.fetchAll(db, sql: "SELECT position, clip, clip_index, method, training FROM rater_order WHERE rater_id = ? ORDER BY position",
                                         arguments: [key]).map { r in
                PlannedTrial(position: r["position"], stimulus: Stimulus(clip: r["clip"], clipIndex: r["clip_index"], method: r["method"]),
                             training: r["training"])
            }
            let rated = Set(try Int.fetchAll(db, sql: "SELECT DISTINCT position FROM ratings WHERE rater_id = ?", arguments: [key]))
            return RaterRecord(key: key, id: raterID, orderSeed: UInt64(bitPattern: seed), order: order, rated: rated)
        }
    }

    /// Records a session start (terminal, graphics, audio, version); returns its key.
    public func startSession(raterKey: Int64, info: SessionInfo) throws(RatingError) -> Int64 {
        try run { db in
            try db.execute(sql: "INSERT INTO sessions (rater_id, started_at, terminal_columns, terminal_rows, graphics, audio, software_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [raterKey, Date().timeIntervalSince1970, info.terminalColumns, info.terminalRows, info.graphics, info.audio, info.softwareVersion])
            return db.lastInsertedRowID
        }
    }

    // MARK: - Ratings

    /// Stores one rating (a row per attribute) in one transaction. A position already rated is refused: nothing
    /// stored is ever replaced.
    public func save(_ r: CompletedRating, attributes: [String], info: SessionInfo) throws(RatingError) {
        guard r.scores.count == attributes.count else {
            throw .invalidDatabase(path: path, reason: "\(r.scores.count) scores for \(attributes.count) attributes")
        }
        try run { db in
            for (a, score) in zip(attributes, r.scores) {
                try db.execute(sql: """
                    INSERT INTO ratings (rater_id, session_id, position, stimulus, clip, method, training, attribute, score, shown_at, answered_at,
                                         decision_ms, replays, terminal_columns, terminal_rows, graphics, software_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.raterKey, r.sessionKey, r.position, r.stimulus.id, r.stimulus.clip, r.stimulus.method, r.training, a,
                                     Double(score), r.shownAt.timeIntervalSince1970, r.answeredAt.timeIntervalSince1970, r.decisionMilliseconds,
                                     r.replays, info.terminalColumns, info.terminalRows, info.graphics, info.softwareVersion])
            }
            if let p = r.playback {
                try db.execute(sql: """
                    INSERT INTO playback (rater_id, position, frames, frames_shown, frames_dropped, late_frames, mean_drift_ms, max_drift_ms, audio)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.raterKey, r.position, p.frames, p.framesShown, p.framesDropped, p.lateFrames, p.meanDriftMilliseconds,
                                     p.maxDriftMilliseconds, p.audio])
            }
        }
    }

    /// Every stored score of the study named `study` (training included; filter on `training`).
    public func scores(study: String) throws(RatingError) -> [StoredScore] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.rater, g.stimulus, g.clip, g.method, g.attribute, g.score, g.training, g.position, g.shown_at, g.answered_at,
                       g.decision_ms, g.replays, g.terminal_columns, g.terminal_rows, g.graphics, g.software_version,
                       p.frames, p.frames_shown, p.frames_dropped, p.late_frames, p.mean_drift_ms, p.max_drift_ms, p.audio
                FROM ratings g JOIN raters r ON r.id = g.rater_id JOIN studies s ON s.id = r.study_id
                LEFT JOIN playback p ON p.rater_id = g.rater_id AND p.position = g.position
                WHERE s.name = ? ORDER BY r.rater, g.position, g.id
                """, arguments: [study]).enumerated().map { i, row in
                // Checked reads: GRDB's typed subscript traps on a value of another type (a hand-edited score 'abc').
                func value<T: DatabaseValueConvertible>(_ column: String) throws -> T {
                    let raw: DatabaseValue = row[column]
                    guard let v = T.fromDatabaseValue(raw) else {
                        throw RatingError.invalidDatabase(path: self.path, reason: "score row \(i + 1): \(column) holds \(raw), not a \(T.self)")
                    }
                    return v
                }
                let score: Double = try value("score")
                guard score.isFinite else {
                    throw RatingError.invalidDatabase(path: self.path, reason: "score row \(i + 1): score \(score) is not a finite number")
                }
                let cols: Int = try value("terminal_columns"), rows: Int = try value("terminal_rows")
                return StoredScore(rater: try value("rater"), stimulus: try value("stimulus"), clip: try value("clip"), method: try value("method"),
                                   attribute: try value("attribute"), score: score, training: try value("training"), position: try value("position"),
                                   shownAt: Date(timeIntervalSince1970: try value("shown_at")),
                                   answeredAt: Date(timeIntervalSince1970: try value("answered_at")),
                                   decisionMilliseconds: try value("decision_ms"), replays: try value("replays"), terminal: "\(cols)x\(rows)",
                                   graphics: try value("graphics"), softwareVersion: try value("software_version"), playback: PlaybackRecord(row: row))
            }
        }
    }

    /// Names of the studies stored.
    public func studyNames() throws(RatingError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM studies ORDER BY name") }
    }

    /// Row count of a table (for tests and `report`).
    public func count(_ table: String) throws(RatingError) -> Int {
        guard ["studies", "raters", "rater_order", "sessions", "ratings"].contains(table) else { return 0 }
        return try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    // MARK: - Plumbing

    func run<T>(_ body: (Database) throws -> T) throws(RatingError) -> T {
        do { return try queue.write(body) } catch let e as RatingError { throw e } catch {
            throw .invalidDatabase(path: path, reason: Self.reason(error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RatingError) -> T {
        do { return try queue.read(body) } catch let e as RatingError { throw e } catch {
            throw .invalidDatabase(path: path, reason: Self.reason(error))
        }
    }
}

/// Rater IDs: any non-blank text, stored through bound parameters, shown escaped.
public enum RaterID {
    /// The ID as given, or an error when it is empty or blank.
    public static func validate(_ id: String) throws(RatingError) -> String {
        guard !id.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalidRater("the rater ID is empty") }
        guard id.utf8.count <= 200 else { throw .invalidRater("longer than 200 bytes") }
        return id
    }

    /// Printable form: plain when it is letters, digits, `-`, `_`, `.` and `@`; else quoted with `\"`, `\\` and
    /// control characters escaped (so a name with quotes, spaces or `;DROP TABLE` reads as one value).
    public static func escaped(_ id: String) -> String {
        let plain = id.unicodeScalars.allSatisfy { s in
            (s.properties.isAlphabetic || s.properties.numericType != nil || "-_.@".unicodeScalars.contains(s)) && !s.properties.isWhitespace
        }
        if plain && !id.isEmpty { return id }
        var out = "\""
        for s in id.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if s.value < 0x20 || s.value == 0x7F || s.properties.generalCategory == .format {
                    out += "\\u{\(String(s.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }
}

// MARK: - Playback records

/// What one playback of a stimulus really showed: the player keeps picture and sound in step by dropping frames it
/// cannot show in time, and counts what it did.
public struct PlaybackRecord: Sendable, Equatable, Codable {
    /// Frames of the stimulus.
    public var frames: Int
    /// Frames put on the screen.
    public var framesShown: Int
    /// Frames skipped because their time had passed (the sound does not wait).
    public var framesDropped: Int
    /// Frames shown more than half a frame interval after their time.
    public var lateFrames: Int
    /// Mean and largest delay (ms) of a shown frame behind its time on the sound's clock.
    public var meanDriftMilliseconds: Double
    public var maxDriftMilliseconds: Double
    /// Whether sound played with it.
    public var audio: Bool

    public init(frames: Int, framesShown: Int, framesDropped: Int, lateFrames: Int, meanDriftMilliseconds: Double,
                maxDriftMilliseconds: Double, audio: Bool) {
        self.frames = frames
        self.framesShown = framesShown
        self.framesDropped = framesDropped
        self.lateFrames = lateFrames
        self.meanDriftMilliseconds = meanDriftMilliseconds
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.audio = audio
    }

    init?(row: Row) {
        guard let frames: Int = row["frames"] else { return nil }
        self.init(frames: frames, framesShown: row["frames_shown"], framesDropped: row["frames_dropped"], lateFrames: row["late_frames"],
                  meanDriftMilliseconds: row["mean_drift_ms"], maxDriftMilliseconds: row["max_drift_ms"], audio: row["audio"])
    }
}
