import Foundation
import GRDB
import Testing
@testable import Rating

/// The SQLite store: schema, resume, append-only, and refusing what is not ours without touching it.
@Suite struct RatingStoreTests {
    func rating(_ record: RaterRecord, session: Int64, at position: Int, scores: [Int] = [7, 8, 9]) -> CompletedRating {
        let t = record.order[position]
        return CompletedRating(raterKey: record.key, sessionKey: session, position: t.position, stimulus: t.stimulus, training: t.training,
                               scores: scores, shownAt: Date(timeIntervalSince1970: 1000), answeredAt: Date(timeIntervalSince1970: 1003),
                               decisionMilliseconds: 1500, replays: 1)
    }

    @Test func newDatabaseGetsSchemaAndMarker() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/sub/folder/ratings.sqlite"
        let store = try RatingStore(path: path)
        let (app, version, tables) = try store.queue.read { db in
            (try Int32.fetchOne(db, sql: "PRAGMA application_id"), try Int.fetchOne(db, sql: "PRAGMA user_version"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        }
        #expect(app == RatingStore.applicationID)
        #expect(version == RatingStore.schemaVersion)
        for t in ["studies", "raters", "rater_order", "sessions", "ratings", "dropfill_meta", "grdb_migrations"] { #expect(tables.contains(t)) }
        // Reopening is fine and changes nothing.
        _ = try RatingStore(path: path)
    }

    @Test func resumeAfterASimulatedKillContinuesTheOrder() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/r.sqlite", study = RatingFixtures.study()
        var firstOrder: [PlannedTrial] = []
        do {
            // Objects dropped without any close: what a kill leaves behind, minus the half-entered rating.
            let store = try RatingStore(path: path)
            let record = try store.rater("ann", study: study, newSeed: 7)
            firstOrder = record.order
            let session = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
            for p in 0..<3 { try store.save(rating(record, session: session, at: p), attributes: study.attributes, info: RatingFixtures.info) }
        }
        let store = try RatingStore(path: path)
        let again = try store.rater("ann", study: study, newSeed: 999)   // the stored seed wins
        #expect(again.orderSeed == 7)
        #expect(again.order == firstOrder)
        #expect(again.rated == [0, 1, 2])
        #expect(again.nextPosition == 3)
        let session = try store.startSession(raterKey: again.key, info: RatingFixtures.info)
        try store.save(rating(again, session: session, at: 3), attributes: study.attributes, info: RatingFixtures.info)
        // Saving a position twice is refused; nothing is duplicated.
        #expect(throws: RatingError.self) {
            try store.save(rating(again, session: session, at: 1, scores: [1, 1, 1]), attributes: study.attributes, info: RatingFixtures.info)
        }
        let scores = try store.scores(study: study.name)
        #expect(scores.count == 4 * study.attributes.count)
        #expect(Set(scores.map(\.position)) == [0, 1, 2, 3])
        #expect(scores.filter { $0.position == 1 }.map(\.score) == [7, 8, 9])
        #expect(try store.count("sessions") == 2)
    }

    @Test func ratingsAreAppendOnly() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let store = try RatingStore(path: dir + "/r.sqlite"), study = RatingFixtures.study()
        let record = try store.rater("ann", study: study, newSeed: 1)
        let s = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
        try store.save(rating(record, session: s, at: 0), attributes: study.attributes, info: RatingFixtures.info)
        #expect(throws: (any Error).self) { try store.queue.write { db in try db.execute(sql: "UPDATE ratings SET score = 1") } }
        #expect(throws: (any Error).self) { try store.queue.write { db in try db.execute(sql: "DELETE FROM ratings") } }
        #expect(try store.count("ratings") == 3)
    }

    @Test func oddRaterIDsAreStoredExactly() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let store = try RatingStore(path: dir + "/r.sqlite"), study = RatingFixtures.study()
        let ids = ["Bob O'Neil", "say \"hi\"", "Zoë 山田 🎬", "x'); DROP TABLE ratings;--", "tab\there", "-=cmd"]
        for (i, id) in ids.enumerated() {
            let r = try store.rater(id, study: study, newSeed: UInt64(i))
            let s = try store.startSession(raterKey: r.key, info: RatingFixtures.info)
            try store.save(rating(r, session: s, at: 0), attributes: study.attributes, info: RatingFixtures.info)
        }
        #expect(Set(try store.scores(study: study.name).map(\.rater)) == Set(ids))
        #expect(try store.count("raters") == ids.count)
        #expect(RaterID.escaped("alice") == "alice")
        #expect(RaterID.escaped("say \"hi\"") == #""say \"hi\"""#)
        #expect(RaterID.escaped("tab\there") == #""tab\there""#)
        #expect(RaterID.escaped("Zoë") == "Zoë")
        #expect(throws: RatingError.invalidRater("the rater ID is empty")) { try store.rater("  ", study: study, newSeed: 0) }
        #expect(throws: RatingError.self) { try RaterID.validate("") }
    }

    @Test func aStudyRedefinedUnderTheSameNameIsRefused() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let store = try RatingStore(path: dir + "/r.sqlite")
        var study = RatingFixtures.study()
        try store.registerStudy(study)
        study.methods = ["hold"]
        #expect(throws: RatingError.self) { try store.registerStudy(study) }
    }

    // MARK: - Foreign and damaged files

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func foreignSQLiteDatabaseIsRefusedUntouched() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/other.sqlite"
        do {
            let q = try DatabaseQueue(path: path)
            try q.write { db in
                try db.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')")
            }
            try q.close()
        }
        let before = bytes(path)
        #expect(before != nil)
        do {
            _ = try RatingStore(path: path)
            Issue.record("a foreign database was opened")
        } catch {
            #expect(error.description.contains("another program's"))
        }
        #expect(bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    @Test func corruptFilesAreRefusedUntouched() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        // Not SQLite at all.
        let text = dir + "/notes.sqlite"
        try "just some notes\n".write(toFile: text, atomically: true, encoding: .utf8)
        // A real dropfill database with its pages scrambled after the header.
        let broken = dir + "/broken.sqlite"
        do {
            let store = try RatingStore(path: broken)
            _ = try store.rater("ann", study: RatingFixtures.study(), newSeed: 1)
        }
        var data = try Data(contentsOf: URL(fileURLWithPath: broken))
        var rng = SystemRandomNumberGenerator()
        for i in 100..<data.count where i % 4096 != 0 { data[i] = UInt8.random(in: 0...255, using: &rng) }
        try data.write(to: URL(fileURLWithPath: broken))
        for path in [text, broken] {
            let before = bytes(path)
            #expect(throws: RatingError.self) { try RatingStore(path: path) }
            #expect(bytes(path) == before, "\(path) changed")
        }
    }

    @Test func unwritableDataDirectoryIsAClearError() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        // A regular file where the folder should be (works for root too, unlike permissions).
        try "x".write(toFile: dir + "/blocker", atomically: true, encoding: .utf8)
        do {
            _ = try RatingStore(path: dir + "/blocker/dropfill/ratings.sqlite")
            Issue.record("no error")
        } catch {
            guard case .unwritable = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("blocker"))
        }
    }

    @Test func defaultPathFollowsXDG() {
        #expect(RatingStore.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/u"]) == "/x/data/dropfill/ratings.sqlite")
        #expect(RatingStore.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.local/share/dropfill/ratings.sqlite")
        #expect(RatingStore.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/u"]) == "/home/u/.local/share/dropfill/ratings.sqlite")
    }
}
