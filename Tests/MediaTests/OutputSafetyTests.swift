import Foundation
import SafeOutput
import Testing
@testable import Media

/// Issue 16 in the media layer: NaN pixels, and the encoder's output going through `OutputFile`.
@Suite struct OutputSafetyTests {
    @Test("float → byte conversion maps NaN to 0 and clamps ±∞ (a NaN model output trapped here)")
    func nanPixelsBecomeZero() throws {
        let planar: [Float] = [.nan, .infinity, -.infinity, 0.5, 2, -1]
        let frame = try VideoFrame(width: 2, height: 1, planar: planar)
        // Planes are R, G, B of two pixels: R = (NaN, +∞), G = (−∞, 0.5), B = (2, −1).
        #expect(frame.rgb == [0, 0, 255, 255, 128, 0])
    }

    @Test("the encoder refuses an existing folder and leaves it whole, with no temporary file")
    func encoderRefusesFolder() throws {
        let dir = try MediaFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("out.mp4")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        #expect(throws: MediaError.output(.isFolder(folder.path))) {
            try VideoEncoder(path: folder.path, width: 16, height: 16, options: EncodeOptions(frameRate: Rational(25, 1)))
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sub").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.mp4"])
    }

    @Test("an encoder dropped before finish() removes its temporary file and leaves no output")
    func unfinishedEncoderCleansUp() throws {
        let dir = try MediaFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let encoder = try VideoEncoder(path: dir.appendingPathComponent("v.mp4").path, width: 16, height: 16,
                                           options: EncodeOptions(frameRate: Rational(25, 1), preset: "ultrafast"))
            try encoder.append(try MediaFixtures.movingFrame(width: 16, height: 16, index: 0))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("a finished encode lands at the symlink's target; the symlink stays")
    func encoderWritesThroughSymlink() throws {
        let dir = try MediaFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("link.mp4").path, target = dir.appendingPathComponent("target.mp4").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let encoder = try VideoEncoder(path: link, width: 16, height: 16, options: EncodeOptions(frameRate: Rational(25, 1), preset: "ultrafast"))
        for i in 0..<3 { try encoder.append(try MediaFixtures.movingFrame(width: 16, height: 16, index: i)) }
        try encoder.finish()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try MediaInfo.probe(path: target).frameCount == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["link.mp4", "target.mp4"])
    }
}
