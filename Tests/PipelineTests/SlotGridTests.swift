import Alignment
import Corpus
import DropfillTestSupport
import Foundation
import Media
import Restoration
import Testing
@testable import Pipeline

/// The slot grid's one rule: slot 0 at the audio's start, the video's first slot where its first frame falls.
@Suite struct SlotGridTests {
    /// Survivors at `slots` of a 30 fps grid whose video starts `offset` seconds after the audio.
    static func stamps(_ slots: [Int], offset: Double, fps: Double = 30) -> [Double] { slots.map { offset + Double($0) / fps } }

    @Test func aVideoOneFrameBehindItsAudioStartsAtSlotOne() throws {
        // office-man's layout: video at 0.033 s, audio at 0, 6.107 s of audio, last frame at 6.1 s.
        let ts = Self.stamps([0, 2, 3, 4, 6, 182], offset: 0.033008)
        let grid = try SlotGrid.make(survivors: ts.count, timestamps: ts, declared: Rational(30, 1), audioDuration: 6.107,
                                     audioStart: 0, truth: nil, fps: nil, slots: nil)
        #expect(grid.timestampsTrusted && grid.origin == 0 && grid.audioLead == 0)
        #expect(grid.firstVideoSlot == 1 && grid.slotCount == 184)
        #expect(try TimestampEstimator().positions(timestamps: ts, fps: grid.fps.value, startTime: grid.origin, slots: grid.slotCount)
                == [1, 3, 4, 5, 7, 183])
        #expect(grid.lengthNote == nil)
    }

    @Test func aVideoAheadOfItsAudioMovesTheOriginAndPrecedesTheAudioWithSilence() throws {
        let ts = Self.stamps(Array(0..<25), offset: 0, fps: 25)
        let grid = try SlotGrid.make(survivors: ts.count, timestamps: ts, declared: Rational(25, 1), audioDuration: 0.9,
                                     audioStart: 0.08, truth: nil, fps: nil, slots: nil)
        #expect(grid.origin == 0 && grid.firstVideoSlot == 0)
        #expect(abs(grid.audioLead - 0.08) < 1e-9)
        #expect(grid.audioSlots == 25 && grid.slotCount == 25)
    }

    @Test func strippedTimestampsStartTheVideoWithTheAudioAndSayWhenTheAudioIsShorter() throws {
        // 10 contiguous stamps (stripped) under 2.95 s of audio at 25 fps, video of 75 frames: untrusted, n from the longer.
        let ts = Self.stamps(Array(0..<10), offset: 0, fps: 25)
        let grid = try SlotGrid.make(survivors: 10, timestamps: ts, declared: Rational(25, 1), audioDuration: 2.95, audioStart: 0,
                                     truth: nil, fps: nil, slots: 75)
        #expect(!grid.timestampsTrusted && grid.firstVideoSlot == 0)
        #expect(grid.lengthNote == "the audio covers 74 slots, the video 75: the slots come from the longer")
    }

    /// A dropped clip (timestamps kept) remuxed so its video starts `offset` seconds after its audio (an edit list).
    static func delayedClip(offset: Double) throws -> (dir: URL, path: String, truth: TruthFile) {
        let (dir, _, dropped, truth) = try RestorePipelineTests.dropped(.keep)
        let delayed = dir.appendingPathComponent("delayed.mp4").path
        _ = try ExternalTool.run("ffmpeg", ["-v", "error", "-y", "-itsoffset", String(offset), "-i", dropped, "-i", dropped,
                                            "-map", "0:v", "-map", "1:a", "-c", "copy", delayed])
        return (dir, delayed, truth)
    }

    @Test(.enabled(if: Prerequisite.ffmpeg, "ffmpeg/ffprobe are not installed (scripts/setup.sh installs them)"))
    func aDelayedVideoIsPlacedAgainstItsAudioAndRestoredWithItsOffset() throws {
        let (dir, path, truth) = try Self.delayedClip(offset: 0.08)
        let source = try ExternalTool.streamStartTimes(path)
        #expect(abs(source.video - source.audio - 0.08) < 0.02, "the remux did not delay the video: \(source)")
        let clip = try DroppedClip.open(path: path, findFace: false)
        #expect(clip.grid.firstVideoSlot == 2)
        let aligned = try clip.align(with: TimestampClipAligner()).positions
        #expect(aligned == truth.positions.map { $0 + 2 })
        let out = dir.appendingPathComponent("restored.mp4").path
        let summary = try RestorePipeline.run(clip: clip, output: out, options: RestoreOptions(), restorer: HoldRestorer(),
                                              aligner: UniformClipAligner())
        #expect(summary.positions == aligned && summary.firstSlot == 2 && summary.heldAtStart == 0)
        #expect(try MediaInfo.probe(path: out).frameCount == truth.originalFrameCount)
        let restored = try ExternalTool.streamStartTimes(out)
        #expect(abs((restored.video - restored.audio) - (source.video - source.audio)) < 0.5 / 25)
    }
}
