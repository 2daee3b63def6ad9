import Corpus
import Alignment
import Features
import Foundation
import Media
import Restoration
import SafeOutput

/// Settings of one `dropfill restore` run.
public struct RestoreOptions: Sendable {
    public var positions: PositionSource
    /// Frame rate of the original slot grid; nil: by `SlotGrid`'s rule.
    public var frameRate: Double?
    /// Write every output frame as PNG into this folder.
    public var framesDirectory: String?
    public var crf: Int
    public var preset: String
    /// Decode the source's audio and re-encode it (mono AAC at its own rate) instead of copying its packets untouched.
    public var reencodeAudio: Bool
    /// The truth file of `.truthFile` positions.
    public var truthPath: String? {
        if case let .truthFile(path) = positions { return path }
        return nil
    }

    public init(positions: PositionSource = .auto, frameRate: Double? = nil, framesDirectory: String? = nil,
                crf: Int = 18, preset: String = "medium", reencodeAudio: Bool = false) {
        self.positions = positions
        self.frameRate = frameRate
        self.framesDirectory = framesDirectory
        self.crf = crf
        self.preset = preset
        self.reencodeAudio = reencodeAudio
    }
}

/// What a restore run did.
public struct RestoreSummary: Sendable, Codable {
    public var input: String
    public var output: String
    public var method: String
    /// "timestamps", "truth file", or the aligner's name.
    public var positionsFrom: String
    public var frameRate: String
    /// n: slots of the grid, slot 0 at the audio's start (`SlotGrid`).
    public var slots: Int
    /// The first slot written (the video's first frame; > 0 when the video starts after its audio): the output has
    /// `slots − firstSlot` frames and starts `firstSlot / fps` after its audio.
    public var firstSlot: Int = 0
    /// Frames written: `slots − firstSlot`.
    public var frames: Int { slots - firstSlot }
    /// k: surviving frames.
    public var survivors: Int
    public var restoredFrames: Int
    /// Frames before the first / after the last survivor, which can only be held (one neighbour).
    public var heldAtStart: Int
    public var heldAtEnd: Int
    public var positions: [Int]
    /// Wall-clock seconds of the whole run, and of restoration alone.
    public var seconds: Double
    public var restoreSeconds: Double
    /// Times the input's video and audio streams were decoded (the decode plan: 2 or 3 video passes, 1 audio — the
    /// 16 kHz features; the audio written out is copied, or decoded a second time with `reencodeAudio`).
    public var videoDecodes: Int
    public var audioDecodes: Int
    /// Peak resident memory of the process when the job ended, MiB.
    public var peakResidentMiB: Double
    public var notes: [String]
}

/// The whole restore job: read a frame-dropped video, place its frames, restore every gap, write the full video.
///
/// The decode plan of `DroppedClip` keeps memory bounded by a gap's worth of frames: pass 1 reads timestamps, the
/// face box and the audio, pass 2 (only for an aligner that reads pictures) the survivors' small features, and pass 3
/// here restores gap by gap and encodes as it goes. The output has the slot grid's rate and the source's audio stream
/// copied untouched, packet by packet in step with the video, its offset to the first survivor kept (re-encoded as
/// mono AAC at the source's rate on request or when the container cannot hold the codec).
public enum RestorePipeline {
    /// Runs the job on `clip` (opened by `DroppedClip.open`) with the restorer `factory` makes for `method`;
    /// `aligner` places the frames when the positions do not come from timestamps or a truth file.
    public static func run(clip: DroppedClip, output: String, options: RestoreOptions, method: String, factory: RestorerFactory,
                           aligner: (any ClipAligner)?, progress: ((String) -> Void)? = nil) throws -> RestoreSummary {
        let restorer = try factory.make(method, faceBox: clip.faceBox)
        return try run(clip: clip, output: output, options: options, restorer: restorer, aligner: aligner,
                       guidance: factory.lipGuidance(for: [method]), progress: progress)
    }

    /// Opens `input` and runs the job (see `run(clip:…)`); `restorer` works on full frames.
    public static func run(input: String, output: String, options: RestoreOptions, restorer: any FrameRestorer,
                           aligner: (any ClipAligner)?, progress: ((String) -> Void)? = nil) throws -> RestoreSummary {
        try checkOutput(output, input: input, truthPath: options.truthPath)
        let clip = try DroppedClip.open(path: input, truthPath: options.truthPath, fps: options.frameRate,
                                        findFace: aligner?.usesContent ?? false, progress: progress)
        return try run(clip: clip, output: output, options: options, restorer: restorer, aligner: aligner, progress: progress)
    }

    /// The job on an opened clip with a full-frame `restorer` (`guidance`: the lip guidance of a method guided at the
    /// mouth).
    public static func run(clip: DroppedClip, output: String, options: RestoreOptions, restorer: any FrameRestorer,
                           aligner: (any ClipAligner)?, guidance: LipGuidanceSource? = nil,
                           progress: ((String) -> Void)? = nil) throws -> RestoreSummary {
        let started = Date()
        let input = clip.path
        try checkOutput(output, input: input, truthPath: options.truthPath)
        let placed = try clip.positions(options.positions, aligner: aligner, progress: progress)
        var notes = placed.notes
        let positions = placed.positions
        let k = clip.survivorCount
        let n = max(clip.slotCount, (positions.last ?? 0) + 1)
        guard positions.count == k else {
            throw CorpusError.truthMismatch("\(positions.count) positions for \(k) surviving frames")
        }
        if !clip.audio.hasTrack { notes.append("no audio track: the clip length comes from the timestamps") }
        let fps = clip.grid.fps
        // The video starts at its first slot on the audio's grid (slot 1 for a video one frame behind its audio).
        let start = min(clip.grid.firstVideoSlot, positions.first ?? 0)

        // Pass 3: restore gap by gap, encode as we go.
        let context = try GapContext.make(frameRate: fps, slotCount: n, audio: clip.audio, methods: [restorer.name],
                                          guidance: guidance)
        let sourceAudio = options.reencodeAudio ? try audioAtSourceRate(input) : nil
        // The output's first frame is slot `start`, at origin + start / fps on the input's clock: the copied audio keeps
        // its offset to it, so the restored video starts as far after its audio as the input's did.
        let copy = options.reencodeAudio ? nil : AudioCopySource(path: input, videoOrigin: clip.grid.origin + Double(start) / fps.value)
        let decoder = try VideoDecoder(path: input)
        let size = decoder.outputSize
        let encoder = try VideoEncoder(path: output, width: size.width, height: size.height,
                                       options: EncodeOptions(frameRate: fps, crf: options.crf, preset: options.preset,
                                                              audio: sourceAudio, copyAudio: copy),
                                       inputs: [input])
        if let dir = options.framesDirectory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw CorpusError.io(path: dir, reason: ErrorText.reason(error))
            }
        }
        var restoreSeconds = 0.0, restored = 0, written = 0
        func emit(_ frame: SlotFrame) throws {
            let picture = try frame.videoFrame(frameRate: fps)
            try encoder.append(picture)
            if let dir = options.framesDirectory {
                try PNGImage.write(picture, to: (dir as NSString).appendingPathComponent(String(format: "frame-%06d.png", frame.slot)))
            }
            written += 1
            if written % 25 == 0 { progress?("restoring: \(written)/\(n - start) frames written") }
        }
        var previous: SlotFrame?
        var index = 0
        while let f = try decoder.nextFrame() {
            guard index < positions.count else { break }
            let current = SlotFrame(slot: positions[index], frame: f)
            let gap = Array(((previous?.slot ?? (start - 1)) + 1)..<current.slot)
            let t0 = Date()
            let filled = try restorer.fillGap(left: previous, right: current, slots: gap, context: context)
            restoreSeconds += Date().timeIntervalSince(t0)
            restored += filled.count
            for g in filled { try emit(g) }
            try emit(current)
            previous = current
            index += 1
        }
        if let last = previous, last.slot + 1 < n {
            for g in try restorer.fillGap(left: last, right: nil, slots: Array((last.slot + 1)..<n), context: context) { try emit(g) }
        }
        try encoder.finish()
        notes.append(contentsOf: encoder.notes)
        let heldStart = (positions.first ?? 0) - start, heldEnd = n - 1 - (positions.last ?? (n - 1))
        if heldStart > 0 { notes.append("\(heldStart) frame(s) before the first surviving frame were held (nothing to interpolate from)") }
        if heldEnd > 0 { notes.append("\(heldEnd) frame(s) after the last surviving frame were held (nothing to interpolate from)") }
        return RestoreSummary(input: input, output: output, method: restorer.name, positionsFrom: placed.from, frameRate: fps.description,
                              slots: n, firstSlot: start, survivors: k, restoredFrames: restored + heldEnd, heldAtStart: heldStart, heldAtEnd: heldEnd,
                              positions: positions, seconds: Date().timeIntervalSince(started), restoreSeconds: restoreSeconds,
                              videoDecodes: clip.videoDecodes + 1, audioDecodes: clip.audioDecodes + (sourceAudio == nil ? 0 : 1),
                              peakResidentMiB: Double(ResidentMemory.peak()) / 1_048_576, notes: notes)
    }

    // MARK: - Pieces

    /// Refuses an output that is an input (file identity, symlinks followed) or an existing folder, and an existing
    /// file unless the command's `-y` says so (`OutputPlan`).
    static func checkOutput(_ output: String, input: String, truthPath: String? = nil) throws {
        do { try OutputPlan.current.preflight(outputs: [output], inputs: [input] + (truthPath.map { [$0] } ?? [])) } catch {
            throw CorpusError.media(.output(error))
        }
    }

    /// The complete audio at the source's own rate (mono), nil without an audio stream.
    static func audioAtSourceRate(_ path: String) throws -> AudioTrack? {
        do {
            return try AudioDecoder.decodeAtNativeRate(path: path)
        } catch {
            if case .noAudioStream = error { return nil }
            throw error
        }
    }
}
