import Corpus
import DropfillTestSupport
import Foundation
import Media
import Restoration
import Testing
@testable import Pipeline

/// `drop` and `restore` copy the source's audio stream untouched: same packets, same channels, same offset to the video.
@Suite(.enabled(if: Prerequisite.ffmpeg && Prerequisite.ffprobe, Comment(rawValue: Prerequisite.ffmpegReason)))
struct AudioCopyTests {
    /// A 1.2 s 25 fps clip with stereo AAC audio whose video starts 0.04 s after its audio (as office-man's does).
    static func stereoSource(in dir: URL) throws -> String {
        let plain = dir.appendingPathComponent("plain.mp4").path, path = dir.appendingPathComponent("stereo source.mp4").path
        _ = try #require(try ExternalTool.run("ffmpeg", [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:duration=1.2",
            "-f", "lavfi", "-i", "aevalsrc=0.3*sin(2*PI*440*t)|0.2*sin(2*PI*660*t):s=44100:d=1.3",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", plain]))
        // Delay the video's timestamps by 512 ticks of its 1/12800 time base (0.04 s); the muxer writes an empty edit.
        _ = try #require(try ExternalTool.run("ffmpeg", ["-v", "error", "-y", "-i", plain, "-c", "copy", "-bsf:v", "setts=ts=TS+512", path]))
        return path
    }

    /// The MD5 of every audio packet's data, in order (`ffmpeg -f framemd5`, timestamps left out).
    static func audioPacketHashes(_ path: String) throws -> [String] {
        let text = try #require(try ExternalTool.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a:0", "-c", "copy", "-f", "framemd5", "-"]))
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return fields.count >= 6 ? "\(fields[4]) \(fields[5])" : nil
        }
    }

    /// ffprobe's value of `entry` for the first stream of `kind` ("a" or "v").
    static func probe(_ path: String, _ kind: String, _ entry: String) throws -> String {
        let text = try #require(try ExternalTool.run("ffprobe", ["-v", "error", "-select_streams", "\(kind):0", "-show_entries",
                                                                  "stream=\(entry)", "-of", "default=nw=1:nk=1", path]))
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func startTime(_ path: String, _ kind: String) throws -> Double {
        try #require(Double(try probe(path, kind, "start_time")))
    }

    static func drop(_ source: String, in dir: URL) throws -> (String, TruthFile) {
        let out = dir.appendingPathComponent("dropped.mp4").path
        let truth = try FrameDropper.drop(input: source, output: out, options: FrameDropper.Options(
            settings: DropSettings(model: .bernoulli, rate: 0.7, seed: 3), timestamps: .keep, crf: 10, preset: "ultrafast"))
        return (out, truth)
    }

    @Test func dropAndRestoreKeepTheStereoAudioStreamBitIdenticalAndItsOffset() throws {
        let dir = try TestClips.scratch()
        let source = try Self.stereoSource(in: dir)
        let sourceHashes = try Self.audioPacketHashes(source)
        #expect(sourceHashes.count > 40)
        let (dropped, truth) = try Self.drop(source, in: dir)
        #expect(try Self.audioPacketHashes(dropped) == sourceHashes)

        let out = dir.appendingPathComponent("restored.mkv").path
        let summary = try RestorePipeline.run(input: dropped, output: out, options: RestoreOptions(preset: "ultrafast"),
                                              restorer: BlendRestorer(), aligner: UniformClipAligner())
        // The source's video starts one frame after its audio: slot 0 is the audio's start, the video's frames count
        // from slot 1 and the output holds the original's frames from there (`SlotGrid`).
        #expect(summary.firstSlot == 1 && summary.positions == truth.positions.map { $0 + 1 })
        #expect(summary.frames == truth.originalFrameCount)
        #expect(summary.audioDecodes == 1, "only the 16 kHz decode for the features")
        #expect(try Self.audioPacketHashes(out) == sourceHashes)
        #expect(try Self.probe(out, "a", "channels") == "2")
        #expect(try Self.probe(out, "a", "codec_name") == "aac")
        // Matroska has no edit list for AAC's priming packet, so its start times shift (as `ffmpeg -c copy` does);
        // the offset is checked on MP4 below.
        #expect(try VideoDecoder(path: out).readAll().count == truth.originalFrameCount)
        let text = try #require(try ExternalTool.run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", out]))
        let duration = try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(duration > 1.2 && duration < 1.45, "\(duration) s")
    }

    @Test func restoreIntoMP4KeepsThePacketsAndReencodesOnRequest() throws {
        let dir = try TestClips.scratch()
        let source = try Self.stereoSource(in: dir)
        let (dropped, _) = try Self.drop(source, in: dir)
        let copied = dir.appendingPathComponent("copied.mp4").path
        _ = try RestorePipeline.run(input: dropped, output: copied, options: RestoreOptions(preset: "ultrafast"),
                                    restorer: HoldRestorer(), aligner: UniformClipAligner())
        #expect(try Self.audioPacketHashes(copied) == Self.audioPacketHashes(source))
        #expect(try Self.probe(copied, "a", "channels") == "2")
        // The video starts after the audio as in the source (within half a frame).
        let offset = try Self.startTime(source, "v") - Self.startTime(source, "a")
        let restoredOffset = try Self.startTime(copied, "v") - Self.startTime(copied, "a")
        #expect(offset > 0.03 && abs(restoredOffset - offset) < 0.5 / 25, "source \(offset) s, restored \(restoredOffset) s")

        let reencoded = dir.appendingPathComponent("reencoded.mp4").path
        let summary = try RestorePipeline.run(input: dropped, output: reencoded, options: RestoreOptions(preset: "ultrafast", reencodeAudio: true),
                                              restorer: HoldRestorer(), aligner: UniformClipAligner())
        #expect(summary.audioDecodes == 2)
        #expect(try Self.probe(reencoded, "a", "channels") == "1")
        #expect(try Self.audioPacketHashes(reencoded) != Self.audioPacketHashes(source))
    }

    @Test func aCodecTheContainerCannotHoldIsReencodedWithANote() throws {
        let dir = try TestClips.scratch()
        let source = dir.appendingPathComponent("pcm.mkv").path
        _ = try #require(try ExternalTool.run("ffmpeg", [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=25:duration=0.8",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050:duration=0.8",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", source]))
        let out = dir.appendingPathComponent("restored.mp4").path
        let summary = try RestorePipeline.run(input: source, output: out, options: RestoreOptions(preset: "ultrafast"),
                                              restorer: HoldRestorer(), aligner: UniformClipAligner())
        #expect(summary.notes.contains { $0.contains("cannot hold") && $0.contains("re-encoded") }, "\(summary.notes)")
        #expect(try Self.probe(out, "a", "codec_name") == "aac")
    }

    @Test func aClipWithoutAudioStillRestores() throws {
        let dir = try TestClips.scratch()
        let clip = try TestClips.movingClip(in: dir, frames: 20, size: 48)
        #expect(try Self.probe(clip.path, "a", "codec_name").isEmpty)
        let (dropped, truth) = try Self.drop(clip.path, in: dir)
        let out = dir.appendingPathComponent("restored.mp4").path
        let summary = try RestorePipeline.run(input: dropped, output: out, options: RestoreOptions(preset: "ultrafast"),
                                              restorer: BlendRestorer(), aligner: UniformClipAligner())
        #expect(summary.slots == truth.originalFrameCount)
        #expect(try VideoDecoder(path: out).readAll().count == truth.originalFrameCount)
        #expect(try Self.probe(out, "a", "codec_name").isEmpty)
    }
}
