import Alignment
import Corpus
import Foundation
import Media

// MARK: - Where positions come from

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
}

// MARK: - The decode plan

/// A video that lost frames, read by the decode plan every face shares.
///
/// Pass 1 (`open`) decodes the video once for the survivors' timestamps and the face box, and streams the audio once at
/// 16 kHz (`SlotAudio.stream`: its length and MFCC frames, not its samples); it holds no pictures. Pass 2 (`survivorFeatures(for:)`) runs only when the aligner reads
/// pictures: it streams the survivors' face squares and keeps just the small features the aligner asks for
/// (thumbnails, mouth crops). Pass 3 is the restore job's own (`RestorePipeline`). Memory is therefore a few
/// floats per survivor, whatever the length.
public final class DroppedClip: @unchecked Sendable {
    public let path: String
    public let stream: VideoStreamInfo
    /// Each survivor's timestamp in seconds (decode order / declared rate where the file has none).
    public let timestamps: [Double]
    /// True when every survivor carried a timestamp.
    public let hasTimestamps: Bool
    /// The face square of the clip in source pixels (`FaceCrop`), nil when not searched.
    public let faceBox: PixelRect?
    public let truth: TruthFile?
    public let grid: SlotGrid
    public let audio: SlotAudio
    /// Times the video and the audio of the input were decoded so far (benchmarks report them).
    public private(set) var videoDecodes: Int
    public var audioDecodes: Int { audio.decodes }

    public var survivorCount: Int { timestamps.count }
    public var slotCount: Int { grid.slotCount }
    public var fps: Double { grid.fps.value }

    init(path: String, stream: VideoStreamInfo, timestamps: [Double], hasTimestamps: Bool, faceBox: PixelRect?, truth: TruthFile?,
         grid: SlotGrid, audio: SlotAudio, videoDecodes: Int) {
        self.path = path
        self.stream = stream
        self.timestamps = timestamps
        self.hasTimestamps = hasTimestamps
        self.faceBox = faceBox
        self.truth = truth
        self.grid = grid
        self.audio = audio
        self.videoDecodes = videoDecodes
    }

    /// Pass 1: opens `path`. `truthPath` names a truth file (checked against the clip); `fps` and `slots` override the
    /// grid's rule; `findFace` searches the face box on the way (needed by learned restorers and picture aligners).
    public static func open(path: String, truthPath: String? = nil, fps: Double? = nil, slots: Int? = nil, findFace: Bool = true,
                            progress: ((String) -> Void)? = nil) throws -> DroppedClip {
        let truth = try truthPath.map { try TruthFile.load(path: $0) }
        progress?("reading \(path)")
        let decoder = try VideoDecoder(path: path)
        let stream = decoder.stream
        var sampler = findFace ? try FaceBoxSampler(expectedFrames: stream.declaredFrameCount) : nil
        var timestamps: [Double] = [], stamped = 0
        let declared = stream.frameRate.value > 0 ? stream.frameRate.value : 25
        while let f = try decoder.nextFrame() {
            if let t = f.timestamp { stamped += 1; timestamps.append(t) } else { timestamps.append(Double(timestamps.count) / declared) }
            try sampler?.offer(f)
            if timestamps.count % 250 == 0 { progress?("reading \(path): \(timestamps.count) frames") }
        }
        guard !timestamps.isEmpty else { throw MediaError.noVideoStream(path) }
        let hasTimestamps = stamped == timestamps.count && zip(timestamps.dropFirst(), timestamps).allSatisfy { $0 > $1 }
        if let truth {
            try truth.validate(frameCount: timestamps.count, width: stream.width, height: stream.height, file: truthPath)
        }
        progress?("reading the audio")
        let starts = try StreamStartTimes.read(path: path)
        // Samples of silence before the audio when it starts after the video (`SlotGrid.audioLead`), so its sample 0
        // lies at slot 0 as well; streamed with them.
        let leadSeconds = SlotGrid.audioLead(firstTimestamp: hasTimestamps ? timestamps.first : nil, audioStart: starts.audio)
        let leadSamples = Int((leadSeconds * Double(AudioTrack.engineSampleRate)).rounded())
        let streamed = try SlotAudio.stream(path: path, leadSamples: leadSamples)
        let grid = try SlotGrid.make(survivors: timestamps.count, timestamps: hasTimestamps ? timestamps : nil, declared: stream.frameRate,
                                     audioDuration: streamed.map { Double($0.sampleCount - leadSamples) / Double(AudioTrack.engineSampleRate) },
                                     audioStart: starts.audio, truth: truth, fps: fps, slots: slots)
        return DroppedClip(path: path, stream: stream, timestamps: timestamps, hasTimestamps: hasTimestamps, faceBox: try sampler?.box(),
                           truth: truth, grid: grid, audio: SlotAudio(streamed: streamed, path: path, leadSamples: leadSamples, fps: grid.fps.value,
                                                                    slotCount: grid.slotCount),
                           videoDecodes: 1)
    }

    /// Side of the face squares pass 2 cuts (the engine's evaluation and training size).
    public static let faceSquareSide = 256

    /// Pass 2: the features `aligner` reads of the survivors, streamed from their face squares (no decode at all for
    /// an aligner that reads no pictures).
    public func survivorFeatures(for aligner: any ClipAligner, progress: ((String) -> Void)? = nil) throws -> SurvivorFeatures {
        guard aligner.usesContent else {
            return SurvivorFeatures(count: survivorCount, timestamps: hasTimestamps ? timestamps : nil, timestampOrigin: grid.origin)
        }
        return try survivorFeatures(extractor: SurvivorFeatureExtractor(for: aligner), progress: progress)
    }

    /// Pass 2 with `extractor`, over every frame of the file or only those at the decode-order indices `frames`
    /// (the inspector's clips dropped in memory).
    public func survivorFeatures(extractor: SurvivorFeatureExtractor, frames wanted: Set<Int>? = nil,
                                 progress: ((String) -> Void)? = nil) throws -> SurvivorFeatures {
        let side = Self.faceSquareSide
        let decoder = try VideoDecoder(path: path, options: DecodeOptions(crop: faceBox, size: (side, side)))
        videoDecodes += 1
        var thumbnails: [[Float]] = [], mouths: [Float] = [], stamps: [Double] = [], geometry: [[Float]?] = []
        var index = 0, taken = 0
        while let face = try decoder.nextFrame() {
            defer { index += 1 }
            if let wanted, !wanted.contains(index) { continue }
            let f = try extractor.features(of: face)
            if let t = f.thumbnail { thumbnails.append(t) }
            if let m = f.mouth { mouths += m }
            if extractor.lips != nil { geometry.append(f.lipGeometry) }
            stamps.append(timestamps[min(index, timestamps.count - 1)])
            taken += 1
            if taken % 100 == 0 { progress?("reading the survivors' faces: \(taken)/\(wanted?.count ?? survivorCount)") }
        }
        let expected = wanted?.count ?? survivorCount
        guard taken == expected, index == survivorCount else {
            throw MediaError.decodeFailed(path: path, reason: "the second pass decoded \(index) frames, the first \(survivorCount)")
        }
        return SurvivorFeatures(count: taken, timestamps: hasTimestamps ? stamps : nil, timestampOrigin: grid.origin,
                                thumbnails: extractor.thumbnails ? thumbnails : nil, mouths: extractor.mouth != nil ? mouths : nil,
                                lipGeometry: extractor.lips != nil ? geometry : nil)
    }

    /// The survivors' positions from `source`, with the name of what placed them and notes for the user.
    public func positions(_ source: PositionSource, aligner: (any ClipAligner)?,
                          progress: ((String) -> Void)? = nil) throws -> (positions: [Int], from: String, notes: [String]) {
        let n = slotCount, k = survivorCount
        var notes: [String] = []
        if let note = grid.lengthNote { notes.append(note) }
        switch source {
        case let .truthFile(path):
            guard let truth else { throw CorpusError.notFound(path) }
            return (truth.positions, "truth file", notes)
        case .timestamps:
            guard grid.timestampsTrusted else {
                throw AlignmentError.missingInput(hasTimestamps
                    ? "the timestamps of \(path) span \(grid.timestampSpan) of the \(grid.audioSlots ?? n) slots the audio implies: they were stripped or cannot place the frames (use --positions auto or aligner)"
                    : "\(path) has no usable timestamps (use --positions auto or aligner)")
            }
            return (try timestampPositions(), "timestamps", notes)
        case .auto where grid.timestampsTrusted:
            return (try timestampPositions(), "timestamps", notes)
        case .auto, .aligner:
            guard let aligner else { throw CorpusError.invalidSetting("the timestamps of \(path) do not span the audio; an aligner is needed") }
            progress?("aligning \(k) frames to \(n) slots with \(aligner.estimatorName)")
            let features = try survivorFeatures(for: aligner, progress: progress)
            let estimate = try aligner.align(features, slotCount: n, fps: fps, audio: audio)
            if source == .auto { notes.append("timestamps span \(grid.timestampSpan) of \(n) slots: positions estimated by \(estimate.estimator)") }
            return (estimate.monotone(slotCount: n), estimate.estimator, notes)
        }
    }

    /// Positions from the timestamps, slot 0 at the grid's origin (the audio's start; `SlotGrid`).
    func timestampPositions() throws -> [Int] {
        try TimestampEstimator().positions(timestamps: timestamps, fps: fps, startTime: grid.origin, slots: slotCount)
    }

    /// True when the file's own timestamps show frames missing: a real dropped clip, which no command drops again
    /// unless asked.
    public var timestampsShowGaps: Bool { hasTimestamps && grid.timestampsTrusted && grid.timestampSpan > survivorCount }

    /// Positions of the survivors by `aligner` (the aligner's own estimate, before `monotone`).
    public func align(with aligner: any ClipAligner, progress: ((String) -> Void)? = nil) throws -> PositionEstimate {
        try aligner.align(try survivorFeatures(for: aligner, progress: progress), slotCount: slotCount, fps: fps, audio: audio)
    }
}
