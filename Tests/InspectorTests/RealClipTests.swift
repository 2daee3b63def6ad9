import DropfillTestSupport
import Foundation
import Media
import Pipeline
import Restoration
import Testing
@testable import Inspector

/// The one real dropped clip (office-man: 48 doubled intervals, video 0.033 s behind its audio) end to end: `align
/// --aligner timestamps`, the inspector's session builder and `restore` place every survivor in the same slot, and
/// the restored file has the original's frame count and A/V offset.
@Suite struct RealClipTests {
    static let officeMan = Prerequisite.sharedClip("vfr-dropped/office-man.mp4")

    @Test(.enabled(if: officeMan != nil && Prerequisite.ffmpeg, "needs shared/data/vfr-dropped/office-man.mp4 and ffprobe"))
    func officeManAgreesEverywhereAndKeepsItsFrameCountAndOffset() throws {
        let path = try #require(Self.officeMan)
        let clip = try DroppedClip.open(path: path, findFace: false)
        let fps = clip.fps
        #expect(clip.timestampsShowGaps && clip.survivorCount == 135)
        // align --aligner timestamps
        let aligned = try clip.align(with: TimestampClipAligner()).positions
        #expect(aligned.first == 1, "the video starts one frame after its audio")
        #expect(aligned.last == 183 && Set(aligned).count == 135)
        // restore
        let dir = try TestClips.scratch()
        let out = dir.appendingPathComponent("office-man restored.mp4").path
        let summary = try RestorePipeline.run(clip: clip, output: out, options: RestoreOptions(), restorer: HoldRestorer(),
                                              aligner: UniformClipAligner())
        #expect(summary.positionsFrom == "timestamps" && summary.positions == aligned)
        #expect(summary.heldAtStart == 0 && summary.firstSlot == 1)
        // The original's frame count: first to last survivor by the timestamps (183), which the restored file holds.
        let expectedFrames = Int(((clip.timestamps.last ?? 0) - (clip.timestamps.first ?? 0)) * fps + 0.5) + 1
        #expect(expectedFrames == 183)
        let info = try MediaInfo.probe(path: out)
        #expect(info.frameCount == expectedFrames && info.timestampGaps.isEmpty)
        let before = try ExternalTool.streamStartTimes(path), after = try ExternalTool.streamStartTimes(out)
        #expect(abs((after.video - after.audio) - (before.video - before.audio)) < 0.5 / fps, "A/V offset \(after) vs \(before)")
        // inspect (no --dropped, no truth): its timestamps show the gaps, so it is inspected as it is, not dropped again.
        let options = EngineAdapters.Options(maxSide: 64, locator: ModelLocator(searchFolders: [dir.appendingPathComponent("no models").path]))
        let session = try EngineAdapters.session(path: path, options: options)
        #expect(session.k == 135 && session.n == clip.slotCount)
        let inspected = try #require(session.alignments.first { $0.name == "timestamps" })
        #expect(inspected.predicted == aligned)
    }
}
