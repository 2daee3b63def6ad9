import Foundation
import Testing
import Media
@testable import Corpus

/// Truth files round-trip through JSON and refuse to describe a video they do not match.
@Suite struct TruthFileTests {
    static func sample(positions: [Int] = [0, 3, 5, 9]) -> TruthFile {
        TruthFile(source: "clip.mp4", originalFrameCount: 10, frameRate: Rational(30000, 1001), width: 64, height: 48,
                  settings: DropSettings(model: .burst, rate: 0.6, seed: 9, burstLength: 4), timestamps: .strip, positions: positions)
    }

    @Test func roundTripsThroughJSON() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let truth = Self.sample()
        try truth.save(path: path)
        let back = try TruthFile.load(path: path)
        #expect(back == truth)
        #expect(back.frameRate == "30000/1001")
        #expect(abs(back.fps - 29.97) < 0.001)
        #expect(back.rational == Rational(30000, 1001))
        #expect(back.burstLength == 4)
        #expect(back.keepMask == [true, false, false, true, false, true, false, false, false, true])
    }

    @Test func defaultPathReplacesTheExtension() {
        #expect(TruthFile.defaultPath(forVideo: "/x/dropped.mp4") == "/x/dropped.truth.json")
    }

    @Test func frameCountMismatchIsAnError() throws {
        let truth = Self.sample()
        try truth.validate(frameCount: 4)
        #expect(throws: CorpusError.self) { try truth.validate(frameCount: 5) }
        #expect(throws: CorpusError.self) { try truth.validate(frameCount: 4, width: 32, height: 48) }
    }

    @Test(arguments: [[0, 3, 3, 9], [0, 5, 3, 9], [0, 3, 5, 10], [-1, 3], [Int]()])
    func badPositionsAreAnError(positions: [Int]) {
        #expect(throws: CorpusError.self) { try Self.sample(positions: positions).validate() }
    }

    @Test func loadingGarbageIsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"source\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CorpusError.self) { _ = try TruthFile.load(path: path) }
        #expect(throws: CorpusError.notFound("/nonexistent.truth.json")) { _ = try TruthFile.load(path: "/nonexistent.truth.json") }
    }
}
