import Foundation
import Inspector
import Testing
@testable import Rating

/// A stimulus's sixel frames are encoded during the grey screen, so that playback only writes them and keeps up with
/// the sound.
@Suite struct RatingPrepareAheadTests {
    /// A backend that records what it was asked to prepare and what it was shown, in order.
    final class RecordingBackend: TerminalBackend {
        var size: (width: Int, height: Int) = (100, 30)
        var cellPixels: (width: Int, height: Int)? = (10, 20)
        var supportsExactColors = false
        var log: [String] = []
        var script: [InputEvent]
        init(script: [InputEvent]) { self.script = script }
        func present(_ buffer: ScreenBuffer) {
            for p in buffer.images where p.kind == .sixel { log.append("show \(p.key)") }
        }
        func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
            if !script.isEmpty { return script.removeFirst() }
            Thread.sleep(forTimeInterval: Double(min(timeoutMilliseconds, 20)) / 1000)
            return nil
        }
        func invalidate() {}
        func prepareSixels(_ placements: [ImagePlacement]) { log.append("prepare \(placements.map(\.key).joined(separator: ","))") }
    }

    func session(frames: Int, greySeconds: Double) throws -> (RatingSession, RatingStore, String) {
        let dir = RatingFixtures.temporaryFolder("prepare")
        let store = try RatingStore(path: dir + "/r.sqlite")
        var study = RatingFixtures.study(clips: 1, methods: ["hold"], training: 0, scale: .acr5)
        study.greySeconds = greySeconds
        let record = try store.rater("ann", study: study, newSeed: 3)
        let key = try store.startSession(raterKey: record.key, info: RatingFixtures.info)
        let s = RatingSession(study: study, record: record, sessionKey: key, graphics: .sixel) { _ in RatingFixtures.media(frames: frames) }
        return (s, store, dir)
    }

    @Test func thePreparedPlacementsAreTheOnesPlaybackShows() throws {
        var (s, _, dir) = try session(frames: 4, greySeconds: 2)
        defer { RatingFixtures.cleanup(dir) }
        _ = s.handle(.key(.enter))
        #expect(s.phase == .grey)
        let ahead = s.playbackPlacements(width: 100, height: 30)
        #expect(ahead.count == 4)
        var shown: [ImagePlacement] = []
        while s.phase == .grey || s.phase == .playing {
            _ = s.tick(step: true)
            if s.phase == .playing { shown += s.render(width: 100, height: 30).images.filter { $0.kind == .sixel } }
        }
        #expect(shown == ahead)
        #expect(Set(ahead.map(\.key)).count == 4)
    }

    @Test func theRunnerPreparesOnTheGreyScreenBeforeTheFirstFrame() throws {
        var (s, store, dir) = try session(frames: 3, greySeconds: 0.05)
        defer { RatingFixtures.cleanup(dir) }
        let backend = RecordingBackend(script: [.key(.enter)])
        // Plays the stimulus on the clock (3 frames at 25 fps), then the scoring screen with an empty script.
        SessionRunner.run(&s, backend: backend, store: store, info: RatingFixtures.info, stopWhenIdle: true)
        let prepare = try #require(backend.log.firstIndex { $0.hasPrefix("prepare ") })
        let firstShow = try #require(backend.log.firstIndex { $0.hasPrefix("show ") })
        #expect(prepare < firstShow, "\(backend.log)")
        #expect(backend.log.filter { $0.hasPrefix("prepare ") }.count == 1)
        #expect(backend.log[prepare].split(separator: ",").count == 3)
    }
}
