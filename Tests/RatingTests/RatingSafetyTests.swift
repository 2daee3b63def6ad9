import Foundation
import GRDB
import Testing
@testable import Rating

/// Issue 16 for ratings: WAL with a busy timeout (concurrent raters and a report lose nothing), a folder or a
/// hand-edited score given as the database, study values asking for unbounded work, and a start-up linear in
/// the study size.
@Suite struct RatingSafetyTests {
    @Test("the database is in WAL mode and waits for a busy writer instead of failing")
    func walAndBusyTimeout() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let store = try RatingStore(path: dir + "/r.sqlite")
        let mode = try store.queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let timeout = try store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA busy_timeout") }
        #expect(timeout == Int(RatingStore.busyTimeout * 1000))
    }

    @Test("four writers on separate connections (as four raters) and a reader at once: every rating stored, none refused")
    func concurrentRatersLoseNothing() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/r.sqlite"
        let study = RatingFixtures.study(clips: 3)
        _ = try RatingStore(path: path).registerStudy(study)
        let failures = Failures()
        let raters = 4
        DispatchQueue.concurrentPerform(iterations: raters + 1) { i in
            do {
                let store = try RatingStore(path: path)   // its own connection, like another process
                if i == raters {
                    for _ in 0..<20 { _ = try store.scores(study: study.name) }
                    return
                }
                let record = try store.rater("rater \(i)", study: study, newSeed: UInt64(i))
                let session = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
                for t in record.order {
                    try store.save(CompletedRating(raterKey: record.key, sessionKey: session, position: t.position, stimulus: t.stimulus,
                                                   training: t.training, scores: [5, 6, 7], shownAt: Date(), answeredAt: Date(),
                                                   decisionMilliseconds: 10, replays: 0),
                                   attributes: study.attributes, info: RatingFixtures.info)
                }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let stored = try RatingStore(path: path).scores(study: study.name)
        let perRater = TrialPlan.order(study: study, seed: 0).count
        #expect(stored.count == raters * perRater * study.attributes.count)
    }

    @Test("--db naming a folder is a one-line error, and the folder is left alone")
    func databaseFolder() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        #expect {
            try RatingStore(path: dir)
        } throws: { error in
            let text = "\(error)"
            return text.contains(dir) && text.contains("is a folder") && !text.contains("\n")
        }
    }

    @Test("a hand-edited non-numeric score is an error naming the database, not a crash")
    func nonNumericScore() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/r.sqlite"
        let study = RatingFixtures.study(clips: 1)
        do {
            let store = try RatingStore(path: path)
            let record = try store.rater("alice", study: study, newSeed: 1)
            let session = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
            let t = record.order[0]
            try store.save(CompletedRating(raterKey: record.key, sessionKey: session, position: t.position, stimulus: t.stimulus,
                                           training: false, scores: [5, 6, 7], shownAt: Date(), answeredAt: Date(),
                                           decisionMilliseconds: 10, replays: 0), attributes: study.attributes, info: RatingFixtures.info)
            // What a hand edit can do: the triggers forbid UPDATE, but an INSERT with text in the REAL column is stored.
            try store.queue.write { db in
                try db.execute(sql: """
                    INSERT INTO ratings (rater_id, session_id, position, stimulus, clip, method, training, attribute, score, shown_at, answered_at,
                                         decision_ms, replays, terminal_columns, terminal_rows, graphics, software_version)
                    SELECT rater_id, session_id, position + 1, stimulus, clip, method, training, attribute, 'abc', shown_at, answered_at,
                           decision_ms, replays, terminal_columns, terminal_rows, graphics, software_version FROM ratings LIMIT 1
                    """)
            }
        }
        #expect {
            try RatingStore(path: path).scores(study: study.name)
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("score") && !text.contains("\n")
        }
    }

    @Test("study values asking for unbounded work are refused", arguments: [
        #"{"session_minutes": 1e308}"#, #"{"session_minutes": 0}"#, #"{"training": 1000000000}"#, #"{"max_side": 1000000}"#,
        #"{"drop": {"rate": 0.5, "model": "burst", "burst_length": 1e308}}"#,
    ])
    func studyRanges(change: String) throws {
        var object: [String: Any] = ["name": "s", "clips": ["a.mp4"], "methods": ["hold"], "drop": ["rate": 0.5]]
        #expect(throws: Never.self) { try Study.parse(try JSONSerialization.data(withJSONObject: object), path: "/tmp/s.json", requireClips: false) }
        let patch = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
        object.merge(patch) { _, b in b }
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: RatingError.self) { try Study.parse(data, path: "/tmp/s.json", requireClips: false) }
    }

    @Test("the stimulus cache's folder is computed once: `missing()` on a 10,000-clip study does one fingerprint")
    func startupLinear() throws {
        let study = Study(name: "big", clips: (0..<10_000).map { "c\($0).mp4" }, methods: ["hold", "blend"], drop: .init(rate: 0.5, seed: 1),
                          attributes: Study.paperAttributes, scale: .oneToTen, training: 2, sessionMinutes: 30, allowSilent: true, maxSide: 32)
        try study.validate(path: "big.json", requireClips: false)
        let cache = StimulusCache(root: RatingFixtures.temporaryFolder(), study: study)
        defer { RatingFixtures.cleanup(cache.root) }
        #expect(cache.folder.hasSuffix(study.fingerprint))
        #expect(cache.missing().count == study.stimuli.count)   // none prepared, and the clips themselves are not there
    }
}

/// Errors collected from concurrent work.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
