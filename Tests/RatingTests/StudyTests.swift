import Corpus
import Foundation
import Testing
@testable import Rating

/// Study files: what is read, what is refused, and the per-rater order.
@Suite struct StudyTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleStudyLoads() throws {
        let s = try Study.load(path: Self.repoRoot.appendingPathComponent("SampleData/studies/example.json").path)
        #expect(s.name == "example")
        #expect(s.attributes == Study.paperAttributes)
        #expect(s.scale == .oneToTen)
        #expect(s.stimuli.count == s.clips.count * (s.methods.count + 1))
        #expect(s.stimuli.filter(\.isReference).count == s.clips.count)
    }

    @Test func missingClipIsAClearError() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let path = try RatingFixtures.makeStudy(in: dir, generateClips: false)
        #expect(throws: RatingError.self) { try Study.load(path: path) }
        do {
            _ = try Study.load(path: path)
        } catch {
            #expect(error.description.contains("clip0.mp4 not found"))
        }
        // Reports do not need the clips.
        #expect(try Study.load(path: path, requireClips: false).clips.count == 3)
    }

    @Test func badFieldsAreRefusedWithTheReason() throws {
        let dir = RatingFixtures.temporaryFolder()
        defer { RatingFixtures.cleanup(dir) }
        let cases: [(String, String)] = [
            (#"{"name":"x","clips":[],"methods":["hold"],"drop":{"rate":0.5}}"#, "no clips"),
            (#"{"name":"x","clips":["a.mp4"],"methods":["magic"],"drop":{"rate":0.5}}"#, "unknown method"),
            (#"{"name":"x","clips":["a.mp4"],"methods":["reference"],"drop":{"rate":0.5}}"#, "hidden"),
            (#"{"name":"x","clips":["a.mp4"],"methods":["hold"],"drop":{"rate":1.5}}"#, "drop.rate"),
            (#"{"name":"x","clips":["a.mp4"],"methods":["hold"],"drop":{"rate":0.5},"scale":"7"}"#, "scale"),
            (#"{"name":"x","clips":["a.mp4"],"methods":["hold"]}"#, "missing key \"drop\""),
            ("not json", "not valid JSON"),
        ]
        for (text, expected) in cases {
            let path = dir + "/s.json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try Study.load(path: path, requireClips: false)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description) should mention \(expected)")
            }
        }
    }

    @Test func scalesHaveTheirRanges() {
        #expect(RatingScale.oneToTen.values == 1...10)
        #expect(RatingScale.acr5.values == 1...5)
        #expect(RatingScale.acr5.label(5) == "Excellent")
        #expect(RatingScale.zeroToTen.values == 0...10)
        #expect(RatingScale(spelling: "ACR5") == .acr5)
    }

    @Test func orderIsSeededCompleteAndTrainingFirst() {
        let s = RatingFixtures.study(clips: 3, methods: ["hold", "blend"], training: 2)
        let a = TrialPlan.order(study: s, seed: 42), b = TrialPlan.order(study: s, seed: 42), c = TrialPlan.order(study: s, seed: 43)
        #expect(a == b)
        #expect(a.map(\.stimulus) != c.map(\.stimulus))
        #expect(a.prefix(2).allSatisfy { $0.training })
        let main = a.filter { !$0.training }.map(\.stimulus)
        #expect(main.count == s.stimuli.count)
        #expect(Set(main) == Set(s.stimuli))
        #expect(a.map(\.position) == Array(0..<a.count))
    }

    @Test func fingerprintFollowsTheDefinition() {
        var s = RatingFixtures.study()
        let f = s.fingerprint
        s.drop.seed += 1
        #expect(s.fingerprint != f)
        #expect(s.fingerprint.count == 16)
    }
}
