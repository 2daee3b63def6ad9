import Foundation
import GRDB
import Inspector
import Testing
@testable import Rating

/// ITU-T P.910 / BT.500 practice: grey screen and voting window, the labelled scale, playback on the sound's clock
/// with its record stored, no silent session for audio-driven methods, and schema-1 databases still readable.
@Suite struct RatingPracticeTests {
    func session(study: Study, frames: Int = 10) throws -> (RatingSession, RatingStore, String) {
        let dir = RatingFixtures.temporaryFolder("practice")
        let store = try RatingStore(path: dir + "/r.sqlite")
        let record = try store.rater("ann", study: study, newSeed: 3)
        let key = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
        let s = RatingSession(study: study, record: record, sessionKey: key, graphics: .ascii) { _ in RatingFixtures.media(frames: frames) }
        return (s, store, dir)
    }

    /// A clock the test moves by hand.
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_000_000)
    }

    @Test func greyScreenComesFirstThenPlaybackDropsLateFramesOnTheSoundsClock() throws {
        var study = RatingFixtures.study(training: 0)
        study.greySeconds = 2
        var (s, _, dir) = try session(study: study)
        defer { RatingFixtures.cleanup(dir) }
        let t0 = Date(timeIntervalSince1970: 1000)
        _ = s.handle(.key(.enter), now: t0)
        #expect(s.phase == .grey)
        #expect(s.render(width: 80, height: 24).text.contains("Next video in a moment"))
        #expect(s.tick(now: t0.addingTimeInterval(1)).isEmpty && s.phase == .grey)
        #expect(s.tick(now: t0.addingTimeInterval(2)) == [.playAudio])
        #expect(s.phase == .playing)
        let start = t0.addingTimeInterval(2)
        s.presented(at: start.addingTimeInterval(0.005))
        // 25 fps: at 0.17 s frame 4 is due; frames 1–3 are dropped, frame 4 is shown 10 ms late (not "late": < 20 ms).
        _ = s.tick(now: start.addingTimeInterval(0.17))
        #expect(s.frame == 4)
        s.presented(at: start.addingTimeInterval(0.17))
        // Frame 5 shown 30 ms after its time (0.2 s): late.
        _ = s.tick(now: start.addingTimeInterval(0.23))
        s.presented(at: start.addingTimeInterval(0.23))
        let r = s.playback.record(audio: false)
        #expect(r.framesShown == 3 && r.framesDropped == 3 && r.lateFrames == 1)
        #expect(abs(r.maxDriftMilliseconds - 30) < 1e-3)
        #expect(abs(r.meanDriftMilliseconds - (5 + 10 + 30) / 3) < 1e-3)
        // The end: scoring on a grey screen, the voting window counting down.
        #expect(s.tick(now: start.addingTimeInterval(0.41)) == [.stopAudio])
        #expect(s.phase == .scoring)
        #expect(s.votingSecondsLeft(now: start.addingTimeInterval(3.41)).map { abs($0 - 7) < 1e-9 } == true)
        s.clock = start.addingTimeInterval(3.41)
        let screen = s.render(width: 100, height: 24)
        #expect(screen.text.contains("vote within 7 s"))
        #expect(screen.text.contains("vote within"))
        #expect(screen.cells.contains { $0.style.bg == .rgb(RatingSession.grey) })
    }

    @Test func playbackRecordIsStoredWithTheRating() throws {
        var (s, store, dir) = try session(study: RatingFixtures.study(training: 0), frames: 4)
        defer { RatingFixtures.cleanup(dir) }
        let backend = MemoryBackend(width: 100, height: 30, script: [.key(.enter), .key(.char("5")), .key(.enter), .key(.char("6")), .key(.enter),
                                                                     .key(.char("7")), .key(.enter)])
        let saved = SessionRunner.run(&s, backend: backend, store: store, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        #expect(saved.count == 1)
        let rows = try store.scores(study: s.study.name)
        #expect(rows.count == 3)
        let p = try #require(rows.first?.playback)
        #expect(p.frames == 4 && p.framesShown == 4 && p.framesDropped == 0 && !p.audio)
    }

    @Test func scaleIsLabelledOnScreenAndInTheFile() throws {
        var (s, _, dir) = try session(study: RatingFixtures.study(training: 0, scale: .acr5))
        defer { RatingFixtures.cleanup(dir) }
        #expect(s.noticeLines.contains { $0.contains("5 Excellent · 4 Good · 3 Fair · 2 Poor · 1 Bad") })
        let backend = MemoryBackend(width: 120, height: 30, script: [.key(.enter)])
        SessionRunner.run(&s, backend: backend, store: nil, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        let text = try #require(backend.screen).text
        #expect(text.contains("1 Bad") && text.contains("5 Excellent"))
        #expect(text.contains("ACR, 5 categories (ITU-T P.910)"))
        #expect(RatingScale(spelling: "acr5") == .acr5 && RatingScale(spelling: "0-10") == .zeroToTen)
    }

    @Test func stimuliAreNeverEnlarged() {
        var buf = ScreenBuffer(width: 100, height: 40)
        let image = RatingFixtures.media(frames: 1).frames[0]  // 8×8
        let used = ImageRenderer.draw(image, into: &buf, rect: CellRect(x: 0, y: 0, width: 100, height: 40), mode: .sixel, key: "k",
                                      cellPixels: (10, 20), glyphs: .unicode, exactColors: true, allowUpscaling: false)
        #expect(buf.images.first?.image?.width == 8 && buf.images.first?.image?.height == 8)
        #expect(used.width == 1 && used.height == 1)
        var half = ScreenBuffer(width: 100, height: 40)
        let u2 = ImageRenderer.draw(image, into: &half, rect: CellRect(x: 0, y: 0, width: 100, height: 40), mode: .truecolor, key: "k",
                                    cellPixels: (10, 20), glyphs: .unicode, exactColors: true, allowUpscaling: false)
        #expect(u2.width == 8 && u2.height == 4)
    }

    @Test func audioDrivenMethodsAreNeverRatedSilent() throws {
        let dir = RatingFixtures.temporaryFolder("silent")
        defer { RatingFixtures.cleanup(dir) }
        let path = try RatingFixtures.makeStudy(in: dir, methods: ["hold", "fenet"], allowSilent: true, generateClips: false)
        #expect(throws: RatingError.self) { _ = try Study.load(path: path, requireClips: false) }
        do {
            _ = try Study.load(path: path, requireClips: false)
        } catch {
            #expect("\(error)".contains("fenet") && "\(error)".contains("hear"))
        }
        try FileManager.default.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
        let quiet = try RatingFixtures.makeStudy(in: dir + "/b", methods: ["fenet"], allowSilent: false, generateClips: true)
        let options = RatingLauncher.Options(studyPath: quiet, rater: "ann", databasePath: dir + "/r.sqlite", cacheRoot: dir + "/cache",
                                             silent: true, softwareVersion: "t")
        do {
            _ = try RatingLauncher.prepare(options) { _ in }
            Issue.record("a silent fenet session was allowed")
        } catch {
            #expect("\(error)".contains("raters must hear it"), "\(error)")
        }
    }

    @Test func schemaOneDatabaseIsMigratedAndKeepsItsRatings() throws {
        let dir = RatingFixtures.temporaryFolder("v1")
        defer { RatingFixtures.cleanup(dir) }
        let path = dir + "/old.sqlite"
        // A version-1 file as the previous dropfill wrote it, with one rating in it.
        let study = RatingFixtures.study(training: 0)
        do {
            let q = try DatabaseQueue(path: path)
            try RatingStore.migrator.migrate(q, upTo: "v1")
            try q.write { db in
                try db.execute(sql: "INSERT INTO studies (name, fingerprint, definition, scale, attributes, created_at) VALUES (?, ?, '{}', '1-10', ?, 0)",
                               arguments: [study.name, study.fingerprint, study.attributes.joined(separator: "\n")])
                try db.execute(sql: "INSERT INTO raters (study_id, rater, order_seed, created_at) VALUES (1, 'old', 1, 0)")
                try db.execute(sql: "INSERT INTO sessions (rater_id, started_at, terminal_columns, terminal_rows, graphics, audio, software_version) VALUES (1, 0, 80, 24, 'ascii', 0, 'v1')")
                try db.execute(sql: """
                    INSERT INTO ratings (rater_id, session_id, position, stimulus, clip, method, training, attribute, score, shown_at, answered_at,
                                         decision_ms, replays, terminal_columns, terminal_rows, graphics, software_version)
                    VALUES (1, 1, 0, 'c0/hold', 'c0', 'hold', 0, 'Overall', 7, 0, 1, 5, 0, 80, 24, 'ascii', 'v1')
                    """)
            }
            try q.close()
        }
        let reopened = try RatingStore(path: path)
        let rows = try reopened.scores(study: study.name)
        #expect(rows.count == 1 && rows[0].score == 7 && rows[0].playback == nil)
        let version = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == 2)
    }
}
