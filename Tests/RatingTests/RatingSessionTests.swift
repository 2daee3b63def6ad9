import Foundation
import Inspector
import Testing
@testable import Rating

/// The session as a state machine, driven by key scripts on the in-memory backend; screens and stored rows checked.
@Suite struct RatingSessionTests {
    struct Setup {
        var dir: String
        var store: RatingStore
        var study: Study
        var record: RaterRecord
        var session: RatingSession
    }

    func setup(rater: String = "ann", training: Int = 1, scale: RatingScale = .oneToTen, startedAt: Date = Date(),
               minutes: Double = 30) throws -> Setup {
        let dir = RatingFixtures.temporaryFolder("session")
        let store = try RatingStore(path: dir + "/r.sqlite")
        var study = RatingFixtures.study(clips: 2, methods: ["hold", "blend"], training: training, scale: scale)
        study.sessionMinutes = minutes
        let record = try store.rater(rater, study: study, newSeed: 11)
        let key = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
        let session = RatingSession(study: study, record: record, sessionKey: key, startedAt: startedAt, graphics: .ascii,
                                    audioNotice: "no sound device — the videos play silent") { _ in RatingFixtures.media() }
        return Setup(dir: dir, store: store, study: study, record: record, session: session)
    }

    func keys(_ s: String) -> [InputEvent] { s.map { .key(.char($0)) } }

    /// Scores one trial: three digits each followed by Enter.
    func score(_ a: Int, _ b: Int, _ c: Int) -> [InputEvent] {
        [a, b, c].flatMap { v -> [InputEvent] in
            (v == 10 ? [InputEvent.key(.char("1")), .key(.char("0"))] : [.key(.char(Character(String(v))))]) + [.key(.enter)]
        }
    }

    @Test func openingScreenSaysWhatHappensAndAboutSound() throws {
        var s = try setup()
        defer { RatingFixtures.cleanup(s.dir) }
        let backend = MemoryBackend(width: 100, height: 30)
        SessionRunner.run(&s.session, backend: backend, store: s.store, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        let text = try #require(backend.screen).text
        #expect(text.contains("rater ann"))
        #expect(text.contains("Sound: no sound device"))
        #expect(text.contains("Press Enter to begin"))
        #expect(text.contains("the first 1 for practice"))
    }

    @Test func scriptedTrialsAreStoredBlindAndInOrder() throws {
        var s = try setup()
        defer { RatingFixtures.cleanup(s.dir) }
        // Enter; practice trial; "practice over" notice; then two real trials.
        let script: [InputEvent] = [.key(.enter)] + score(3, 4, 5) + [.key(.enter)] + score(7, 10, 8)
            + [.key(.right), .key(.right), .key(.enter), .key(.char("r")), .key(.char("9")), .key(.enter), .key(.down), .key(.enter)]
        let backend = MemoryBackend(width: 100, height: 30, script: script)
        let saved = SessionRunner.run(&s.session, backend: backend, store: s.store, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        #expect(saved.count == 2)
        let rows = try s.store.scores(study: s.study.name)
        #expect(rows.count == 6)
        let byPosition = Dictionary(grouping: rows, by: \.position)
        #expect(byPosition[0]?.map(\.score) == [3, 4, 5])
        #expect(byPosition[0]?.allSatisfy { $0.training } == true)
        #expect(byPosition[1]?.map(\.score) == [7, 10, 8])
        // Third trial: arrows start from the middle (6 on 1–10), so → → gives 7; the replay is counted and keeps the
        // scores; 9 + Enter scores Continuity; ↓ stays on Overall perception (the last), and Enter there waits for a score.
        #expect(byPosition[2] == nil)
        #expect(s.session.phase == .scoring)
        #expect(s.session.replays == 1)
        #expect(s.session.scores == [7, 9, nil])
        for (p, r) in byPosition { #expect(r.first?.stimulus == s.record.order[p].stimulus.id) }
        // Nothing on any screen names a method.
        for screen in backend.presented {
            for m in ["hold", "blend", "reference", "c0", "c1"] { #expect(!screen.text.contains(m), "screen shows \(m)") }
        }
        let last = try #require(backend.screen).text
        #expect(last.contains("Your scores"))
        #expect(last.contains("video 2 of 6"))
        #expect(last.contains("Overall perception"))
    }

    @Test func quitLosesOnlyTheRatingBeingEnteredAndResumeContinues() throws {
        var s = try setup(training: 0)
        defer { RatingFixtures.cleanup(s.dir) }
        let script: [InputEvent] = [.key(.enter)] + score(5, 5, 5) + [.key(.char("6")), .key(.enter), .key(.char("q"))]
        let backend = MemoryBackend(width: 100, height: 30, script: script)
        SessionRunner.run(&s.session, backend: backend, store: s.store, info: RatingFixtures.info, fastPlayback: true)
        #expect(try s.store.count("ratings") == 3)
        // Resume: same order, next unrated stimulus.
        let again = try s.store.rater("ann", study: s.study, newSeed: 0)
        #expect(again.nextPosition == 1)
        let key = try s.store.startSession(raterKey: again.key, info: RatingFixtures.info)
        var resumed = RatingSession(study: s.study, record: again, sessionKey: key, graphics: .ascii) { _ in RatingFixtures.media() }
        #expect(resumed.trials.first == s.record.order[1])
        let b2 = MemoryBackend(width: 100, height: 30, script: [.key(.enter)] + score(2, 3, 4))
        SessionRunner.run(&resumed, backend: b2, store: s.store, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        #expect(b2.presented.first?.text.contains("Welcome back: 1 of 6 rated") == true)
        let rows = try s.store.scores(study: s.study.name)
        #expect(rows.count == 6)
        #expect(Set(rows.map(\.position)) == [0, 1])
    }

    @Test func digitsAndArrowsFollowTheScale() throws {
        var s = try setup(training: 0, scale: .acr5)
        defer { RatingFixtures.cleanup(s.dir) }
        _ = s.session.handle(.key(.enter))
        while s.session.phase == .grey || s.session.phase == .playing { _ = s.session.tick(step: true) }
        _ = s.session.handle(.key(.char("7")))   // outside 1–5: ignored
        #expect(s.session.scores[0] == nil)
        _ = s.session.handle(.key(.right))       // starts from the middle, 3
        #expect(s.session.scores[0] == 3)
        for _ in 0..<5 { _ = s.session.handle(.key(.right)) }
        #expect(s.session.scores[0] == 5)
        _ = s.session.handle(.key(.char("2")))
        #expect(s.session.scores[0] == 2)
        let screen = s.session.render(width: 90, height: 24).text
        #expect(screen.contains("Poor"))
    }

    @Test func helpOverlayListsTheKeys() throws {
        var s = try setup()
        defer { RatingFixtures.cleanup(s.dir) }
        _ = s.session.handle(.key(.char("?")))
        let text = s.session.render(width: 100, height: 30).text
        #expect(text.contains("play the video again"))
        #expect(text.contains("resumes"))
        _ = s.session.handle(.key(.escape))
        #expect(!s.session.showHelp)
    }

    @Test func sessionStopsAtItsTimeLimit() throws {
        var s = try setup(training: 0, startedAt: Date().addingTimeInterval(-3600), minutes: 30)
        defer { RatingFixtures.cleanup(s.dir) }
        let backend = MemoryBackend(width: 100, height: 30, script: [.key(.enter)] + score(4, 4, 4))
        SessionRunner.run(&s.session, backend: backend, store: s.store, info: RatingFixtures.info, fastPlayback: true, stopWhenIdle: true)
        #expect(s.session.phase == .limitReached)
        #expect(try s.store.count("ratings") == 3)
        #expect(backend.screen?.text.contains("time for a rest") == true)
    }

    @Test func aStimulusThatFailsToLoadEndsTheSessionWithItsReason() throws {
        let s = try setup()
        defer { RatingFixtures.cleanup(s.dir) }
        var session = RatingSession(study: s.study, record: s.record, sessionKey: 1, graphics: .ascii) { _ in
            throw RatingError.stimulusFailed(stimulus: "x", reason: "gone")
        }
        _ = session.handle(.key(.enter))
        #expect(session.phase == .failed("cannot prepare stimulus x: gone"))
        #expect(session.render(width: 80, height: 24).text.contains("Error: cannot prepare stimulus x: gone"))
    }

    @Test func tinyTerminalGetsAMessage() throws {
        let s = try setup()
        defer { RatingFixtures.cleanup(s.dir) }
        #expect(s.session.render(width: 30, height: 8).text.contains("terminal too small"))
    }
}
