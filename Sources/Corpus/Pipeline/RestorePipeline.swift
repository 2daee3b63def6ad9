import Alignment
import Features
import Foundation
import Media
import Restoration
import SafeOutput

/// Where the positions of the surviving frames come from.
public enum PositionSource: Sendable, Equatable {
    /// Timestamps when they are present and span the clip, else the aligner.
    case auto
    /// The file's own timestamps (an error when they cannot be trusted).
    case timestamps
    /// A truth file written by `dropfill drop`.
    case truthFile(String)
    /// Always the aligner, even when timestamps exist.
    case aligner

    /// The truth file's path, when the positions come from one.
    public var truthPath: String? { if case let .truthFile(p) = self { p } else { nil } }
}

/// Settings of one `dropfill restore` run.
public struct RestoreOptions: Sendable {
    public var positions: PositionSource
    /// Frame rate of the original slot grid; nil: from the timestamps' median interval, else the stream's rate.
    public var frameRate: Rational?
    /// Write every output frame as PNG into this folder.
    public var framesDirectory: String?
    public var crf: Int
    public var preset: String

    public init(positions: PositionSource = .auto, frameRate: Rational? = nil, framesDirectory: String? = nil,
                crf: Int = 18, preset: String = "medium") {
        self.positions = positions
        self.frameRate = frameRate
        self.framesDirectory = framesDirectory
        self.crf = crf
        self.preset = preset
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
    /// n: slots of the restored clip.
    public var slots: Int
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
    public var notes: [String]
}

/// The whole restore job: read a frame-dropped video, place its frames, restore every gap, write the full video.
///
/// Two passes over the input keep memory bounded by a gap's worth of frames: the first reads timestamps (and face
/// crops when an aligner needs them), the second restores gap by gap and encodes as it goes. The output has the
/// original frame rate and the complete audio (mono AAC at the source's rate).
public enum RestorePipeline {
    /// Runs the job. `restorer` works on full frames (wrap a face-crop model in `CroppedRestorer`);
    /// `aligner` places the frames when the positions do not come from timestamps or a truth file.
    public static func run(input: String, output: String, options: RestoreOptions, restorer: any FrameRestorer,
                           aligner: (any ClipAligner)?, progress: ((String) -> Void)? = nil) throws -> RestoreSummary {
        let started = Date()
        var notes: [String] = []
        do { try OutputPlan.current.preflight(outputs: [output], inputs: [input] + (options.positions.truthPath.map { [$0] } ?? [])) } catch {
            throw CorpusError.media(.output(error))
        }
        progress?("reading \(input)")
        let info = try MediaInfo.probe(path: input)
        guard let stream = info.video, info.frameCount > 0 else { throw MediaError.noVideoStream(input) }
        let audio16k = try PreparedClip.optionalAudio(input)
        let truth = try truthFile(options.positions, video: input)

        // Pass 1: timestamps of every surviving frame (decoded as 8×8 thumbnails: cheap, and all a content-free aligner needs).
        var timestamps: [Double] = []
        var thumbnails: [VideoFrame] = []
        let scan = try VideoDecoder(path: input, options: DecodeOptions(size: (8, 8)))
        while let f = try scan.nextFrame() {
            timestamps.append(f.timestamp ?? Double(timestamps.count) / max(1e-9, stream.frameRate.value))
            thumbnails.append(f)
        }
        let k = timestamps.count
        let fps = options.frameRate ?? truth?.rational ?? nominalRate(timestamps: timestamps, stream: stream)
        let slotsFromAudio = audio16k.map { Int(($0.duration * fps.value).rounded()) }
        let span = timestamps.isEmpty ? 0 : Int(((timestamps[k - 1] - timestamps[0]) * fps.value).rounded()) + 1
        var n = truth?.originalFrameCount ?? max(slotsFromAudio ?? span, span)
        if audio16k == nil { notes.append("no audio track: the clip length comes from the timestamps") }

        // Positions.
        var source: String
        var positions: [Int]
        let timestampsSpanClip = span >= Int(0.9 * Double(n)) || k == n
        switch options.positions {
        case let .truthFile(path):
            guard let truth else { throw CorpusError.notFound(path) }
            positions = truth.positions
            source = "truth file"
        case .timestamps:
            positions = try TimestampEstimator().positions(timestamps: timestamps, fps: fps.value, startTime: timestamps[0], slots: max(n, span))
            source = "timestamps"
        case .auto where timestampsSpanClip:
            positions = try TimestampEstimator().positions(timestamps: timestamps, fps: fps.value, startTime: timestamps[0], slots: max(n, span))
            source = "timestamps"
        case .auto, .aligner:
            guard let aligner else { throw CorpusError.invalidSetting("the timestamps of \(input) do not span the audio; an aligner is needed") }
            guard audio16k != nil else { throw MediaError.noAudioStream(input) }
            guard k <= n else { throw AlignmentError.moreFramesThanSlots(frames: k, slots: n) }
            progress?("aligning \(k) frames to \(n) slots with \(aligner.name)")
            let clip = Clip(path: input, relativePath: URL(fileURLWithPath: input).lastPathComponent, person: "input")
            let prepared = aligner.usesContent
                ? try PreparedClip.load(clip, preparation: ClipPreparation(crop: .face, size: 256))
                : PreparedClip(clip: clip, frames: thumbnails, audio: audio16k, frameRate: fps)
            positions = try aligner.align(survivors: prepared.frames, slotCount: n, clip: prepared).monotone(slotCount: n)
            source = aligner.name
            if options.positions == .auto { notes.append("timestamps span \(span) of \(n) slots: positions estimated by \(aligner.name)") }
        }
        n = max(n, (positions.last ?? 0) + 1)
        guard positions.count == k else {
            throw CorpusError.truthMismatch("\(positions.count) positions for \(k) surviving frames")
        }

        // Pass 2: restore gap by gap, encode as we go.
        let context = GapContext(frameRate: fps, slotCount: n, slotFeatures: try slotFeatures(audio16k, fps: fps.value, slots: n))
        let sourceAudio = try audioAtSourceRate(input, info: info)
        let decoder = try VideoDecoder(path: input)
        let size = decoder.outputSize
        let encoder = try VideoEncoder(path: output, width: size.width, height: size.height,
                                       options: EncodeOptions(frameRate: fps, crf: options.crf, preset: options.preset, audio: sourceAudio),
                                       inputs: [input])
        if let dir = options.framesDirectory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw CorpusError.io(path: dir, reason: ErrorText.oneLine(error))
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
            if written % 25 == 0 { progress?("restoring: \(written)/\(n) frames written") }
        }
        var previous: SlotFrame?
        var index = 0
        while let f = try decoder.nextFrame() {
            guard index < positions.count else { break }
            let current = SlotFrame(slot: positions[index], frame: f)
            let gap = Array(((previous?.slot ?? -1) + 1)..<current.slot)
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
        let heldStart = positions.first ?? 0, heldEnd = n - 1 - (positions.last ?? (n - 1))
        if heldStart > 0 { notes.append("\(heldStart) frame(s) before the first surviving frame were held (nothing to interpolate from)") }
        if heldEnd > 0 { notes.append("\(heldEnd) frame(s) after the last surviving frame were held (nothing to interpolate from)") }
        return RestoreSummary(input: input, output: output, method: restorer.name, positionsFrom: source, frameRate: fps.description,
                              slots: n, survivors: k, restoredFrames: restored + heldEnd, heldAtStart: heldStart, heldAtEnd: heldEnd,
                              positions: positions, seconds: Date().timeIntervalSince(started), restoreSeconds: restoreSeconds, notes: notes)
    }

    // MARK: - Pieces

    static func truthFile(_ source: PositionSource, video: String) throws -> TruthFile? {
        guard case let .truthFile(path) = source else { return nil }
        let truth = try TruthFile.load(path: path)
        try truth.validate(againstVideo: video)
        return truth
    }

    /// The slot grid's rate: the stream's declared rate when the timestamps agree with it, else 1 / their nominal
    /// interval (`TimestampGapFinder`).
    static func nominalRate(timestamps: [Double], stream: VideoStreamInfo) -> Rational {
        let declared = stream.frameRate.value > 0 ? stream.frameRate : Rational(25, 1)
        guard let interval = TimestampGapFinder.nominalInterval(timestamps, declared: 1 / declared.value) else { return declared }
        return abs(interval * declared.value - 1) < 0.01 ? declared : Rational(fps: 1 / interval)
    }

    static func slotFeatures(_ audio: AudioTrack?, fps: Double, slots: Int) throws -> FeatureMatrix? {
        guard let audio, audio.samples.count >= 400 else { return nil }
        return try SlotFeatures.make(features: try AudioFeatures.compute(samples: audio.samples, settings: .mfcc), fps: fps, slotCount: slots)
    }

    /// The complete audio at the source's own rate (mono), nil without an audio stream.
    static func audioAtSourceRate(_ path: String, info: MediaInfo) throws -> AudioTrack? {
        guard let a = info.audio else { return nil }
        return try AudioDecoder.decode(path: path, sampleRate: max(8000, min(96_000, a.sampleRate)))
    }
}
