import DropfillTestSupport
import Foundation
import Testing
@testable import Media

/// `MediaInfo.probe` reports exact counts that agree with FFmpeg's own tools, and finds timestamp gaps.
@Suite struct MediaInfoTests {
    /// Clips to check against ffprobe/ffmpeg: the bundled sample, plus real shared clips when present.
    static var clips: [String] {
        [MediaFixtures.sample] + ["grid/bbaf2n.mpg", "obama/sent6.mp4", "vfr-dropped/office-man.mp4", "voxceleb2/Input_00010.mp4"]
            .compactMap(MediaFixtures.sharedClip)
    }

    @Test(.enabled(if: Prerequisite.ffprobe, Comment(rawValue: Prerequisite.ffmpegReason)), arguments: clips)
    func countsMatchFFprobeAndFFmpeg(path: String) throws {
        let info = try MediaInfo.probe(path: path)
        let counted = try #require(try MediaFixtures.run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                                                    "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]))
        #expect(info.frameCount == Int(counted.trimmingCharacters(in: .whitespacesAndNewlines)))
        let channels = try #require(info.audio?.channels)
        let native = try #require(try MediaFixtures.outputByteCount("ffmpeg", ["-v", "error", "-i", path, "-vn", "-f", "f32le", "-"]))
        #expect(info.audioSampleCount == native / 4 / channels)
        let mono16k = try #require(try MediaFixtures.outputByteCount("ffmpeg", ["-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-"]))
        #expect(info.audioSampleCount16k == mono16k / 4)
        // The decoder hands out the same number of 16 kHz samples as probe counts.
        #expect(try AudioDecoder.decode(path: path).samples.count == info.audioSampleCount16k)
    }

    @Test func sampleFacts() throws {
        let info = try MediaInfo.probe(path: MediaFixtures.sample)
        let video = try #require(info.video)
        #expect(video.width == 360 && video.height == 288)
        #expect(video.frameRate == Rational(25, 1))
        #expect(info.frameCount == 75)
        #expect(info.timestampGaps.isEmpty)
        #expect(abs(info.duration - 3.0) < 0.05)
        // Round-trips through JSON (the `probe --json` form).
        let data = try JSONEncoder().encode(info)
        #expect(try JSONDecoder().decode(MediaInfo.self, from: data) == info)
    }

    /// A variable-frame-rate file made by ffmpeg's select filter: gaps exactly where frames were removed.
    @Test(.enabled(if: Prerequisite.ffmpeg, Comment(rawValue: Prerequisite.ffmpegReason)))
    func variableFrameRateGapsFromFFmpegSelect() throws {
        let dir = try MediaFixtures.scratch()
        let source = dir.appendingPathComponent("source.mp4").path
        try MediaFixtures.writeClip(source, frames: 40, audio: false)
        let dropped = dir.appendingPathComponent("dropped.mp4").path
        // Remove frames 5-7, 20 and 30-33.
        let expr = "not(between(n\\,5\\,7)+eq(n\\,20)+between(n\\,30\\,33))"
        try #require(try MediaFixtures.run("ffmpeg", ["-v", "error", "-y", "-i", source, "-vf", "select='\(expr)'", "-fps_mode", "vfr",
                                                      "-c:v", "libx264", "-crf", "18", dropped]) != nil)
        let info = try MediaInfo.probe(path: dropped)
        #expect(info.frameCount == 40 - 8)
        #expect(info.timestampGaps.map(\.afterFrame) == [5, 17, 26])
        #expect(info.timestampGaps.map(\.missingFrames) == [3, 1, 4])
        #expect(info.missingFrames == 8)
    }

    /// The same gaps written by our own encoder (frames placed at their original slots).
    @Test func variableFrameRateGapsFromOwnEncoder() throws {
        let dir = try MediaFixtures.scratch()
        let path = dir.appendingPathComponent("slots.mp4").path
        let slots = [0, 1, 2, 5, 6, 10, 11, 12, 13, 20]
        let encoder = try VideoEncoder(path: path, width: 64, height: 48, options: EncodeOptions(frameRate: Rational(30, 1)))
        for s in slots { try encoder.append(try MediaFixtures.movingFrame(width: 64, height: 48, index: s), slot: s) }
        try encoder.finish()
        let info = try MediaInfo.probe(path: path)
        #expect(info.frameCount == slots.count)
        #expect(info.timestampGaps.map(\.afterFrame) == [3, 5, 9])
        #expect(info.timestampGaps.map(\.missingFrames) == [2, 3, 6])
    }

    @Test func gapFinderOnPlainNumbers() {
        let (interval, gaps) = TimestampGapFinder.gaps(in: [0, 0.04, 0.08, 0.2, 0.24, 0.28])
        #expect(abs((interval ?? 0) - 0.04) < 1e-9)
        #expect(gaps.count == 1 && gaps[0].afterFrame == 3 && gaps[0].missingFrames == 2)
        #expect(TimestampGapFinder.gaps(in: [1]).gaps.isEmpty)
    }
}
