import DropfillTestSupport
import Foundation
import Testing
@testable import Media

/// Every kind of bad input gets a typed error, never a crash.
@Suite struct BadInputTests {
    @Test func missingFile() {
        #expect(throws: MediaError.fileNotFound("/no/such/clip.mp4")) { try MediaInfo.probe(path: "/no/such/clip.mp4") }
        #expect(throws: MediaError.fileNotFound("/no/such/clip.mp4")) { try VideoDecoder(path: "/no/such/clip.mp4") }
    }

    @Test func directory() throws {
        let dir = try MediaFixtures.scratch()
        #expect(throws: MediaError.isDirectory(dir.path)) { try MediaInfo.probe(path: dir.path) }
    }

    @Test func emptyFile() throws {
        let path = try MediaFixtures.scratch().appendingPathComponent("empty.mp4").path
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: MediaError.emptyFile(path)) { try AudioDecoder.decode(path: path) }
    }

    @Test func textFileNamedMP4() throws {
        let path = try MediaFixtures.scratch().appendingPathComponent("notes.mp4").path
        try "this is not a video\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try MediaInfo.probe(path: path) } throws: { error in
            guard case .unreadable(let p, _) = error as? MediaError else { return false }
            return p == path
        }
    }

    @Test func truncatedMP4() throws {
        let dir = try MediaFixtures.scratch()
        let good = dir.appendingPathComponent("good.mp4").path
        try MediaFixtures.writeClip(good, frames: 40)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        // Cut at several points: each gives an error or fewer frames, never a crash.
        for fraction in [0.1, 0.5, 0.9] {
            let cut = dir.appendingPathComponent("cut-\(fraction).mp4").path
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            do {
                let frames = try VideoDecoder(path: cut).readAll()
                #expect(frames.count < 40)
            } catch let error as MediaError {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test(.enabled(if: Prerequisite.ffmpeg, Comment(rawValue: Prerequisite.ffmpegReason)))
    func noVideoStream() throws {
        let dir = try MediaFixtures.scratch()
        let path = dir.appendingPathComponent("audio only.m4a").path
        try #require(try MediaFixtures.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300:duration=1", "-c:a", "aac", path]) != nil)
        #expect(throws: MediaError.noVideoStream(path)) { try VideoDecoder(path: path) }
        let info = try MediaInfo.probe(path: path)
        #expect(info.video == nil && info.frameCount == 0 && info.audio != nil)
        #expect(try AudioDecoder.decode(path: path).samples.count > 15_000)
    }

    @Test func noAudioStreamDecodesVideoOnly() throws {
        let path = try MediaFixtures.scratch().appendingPathComponent("silent клип.mp4").path
        try MediaFixtures.writeClip(path, frames: 10, audio: false)
        #expect(throws: MediaError.noAudioStream(path)) { try AudioDecoder.decode(path: path) }
        #expect(try VideoDecoder(path: path).readAll().count == 10)
        #expect(try MediaInfo.probe(path: path).audio == nil)
    }

    @Test func colonInFileNameIsNotAProtocol() throws {
        let path = try MediaFixtures.scratch().appendingPathComponent("http:clip 1.mp4").path
        try MediaFixtures.writeClip(path, frames: 3, audio: false)
        #expect(try MediaInfo.probe(path: path).frameCount == 3)
    }

    @Test func badEncoderArguments() throws {
        let path = try MediaFixtures.scratch().appendingPathComponent("x.mp4").path
        #expect(throws: MediaError.self) { try VideoEncoder(path: path, width: 0, height: 10, options: EncodeOptions(frameRate: Rational(25, 1))) }
        let encoder = try VideoEncoder(path: path, width: 16, height: 16, options: EncodeOptions(frameRate: Rational(25, 1)))
        #expect(throws: MediaError.self) { try encoder.append(try MediaFixtures.movingFrame(width: 8, height: 8, index: 0)) }
        // Nothing is left at the target path by an encoder that never finished.
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func unwritableDestination() {
        #expect(throws: MediaError.self) {
            try VideoEncoder(path: "/proc/no-such-dir/x.mp4", width: 16, height: 16, options: EncodeOptions(frameRate: Rational(25, 1)))
        }
    }
}
