import Alignment
import Features
import Foundation
import Media

/// A clip's audio on its slot grid: 16 kHz mono decoded once, each kind of feature computed once, and every per-slot
/// view the engine needs (Ali-Net's segments, FE-Net's rows) derived from them.
///
/// Two ways to hold it: with the samples (`init(track:…)`: the harness, benches, tests), or streamed
/// (`init(streamed:path:…)`: the decode plan), where pass 1 decodes the track chunk by chunk, computes the MFCC frames
/// on the way (`StreamedMFCC`, equal to `AudioFeatures.compute` on the whole track) and keeps only them, so memory
/// does not grow with the clip by the samples (10 minutes at 16 kHz are 38 MB as floats; the MFCC frames 3 MB). The
/// samples themselves (`track`: the phone recogniser, the inspector) are then decoded again on first use, counted in
/// `decodes`.
public final class SlotAudio: @unchecked Sendable {
    /// Rate of the slot grid.
    public let fps: Double
    /// n: slots of the grid.
    public let slotCount: Int
    /// True when the clip has an audio stream.
    public let hasTrack: Bool
    /// 16 kHz samples of the track (0 without one).
    public let sampleCount: Int
    /// Times the input's audio was decoded for this object (0 for `init(track:…)`, whose caller decoded it).
    public var decodes: Int { lock.withLock { decodeCount } }

    private let source: String?
    /// Samples of silence a streamed clip's track starts with (`SlotGrid.audioLead`).
    private let leadSamples: Int
    private let lock = NSLock()
    private var kept: AudioTrack?
    private var decodeCount: Int
    private var features: [AudioFeatureSettings: FeatureMatrix] = [:]
    private var restorationRowsCache: FeatureMatrix??

    public init(track: AudioTrack?, fps: Double, slotCount: Int) {
        self.fps = fps
        self.slotCount = slotCount
        hasTrack = track != nil
        sampleCount = track?.samples.count ?? 0
        kept = track
        source = nil
        leadSamples = 0
        decodeCount = 0
    }

    /// The audio pass 1 streamed from `path` (`stream(path:leadSamples:)`, whose `leadSamples` of silence it repeats
    /// before the samples when they are decoded again); the samples are decoded again only if asked for.
    public init(streamed: StreamedAudio?, path: String, leadSamples: Int = 0, fps: Double, slotCount: Int) {
        self.fps = fps
        self.slotCount = slotCount
        hasTrack = streamed != nil
        sampleCount = streamed?.sampleCount ?? 0
        kept = nil
        source = path
        self.leadSamples = max(0, leadSamples)
        decodeCount = 1
        if let mfcc = streamed?.mfcc { features[.mfcc] = mfcc }
    }

    /// The 16 kHz audio of the file at `path`, or nil when it has no audio stream (one whole decode).
    public static func decodeTrack(path: String) throws(MediaError) -> AudioTrack? {
        do {
            return try AudioDecoder.decode(path: path)
        } catch {
            if case .noAudioStream = error { return nil }
            throw error
        }
    }

    /// Mono 16 kHz samples; nil when the clip has no audio stream. A streamed clip decodes them here on first use
    /// (and keeps them).
    public func loadTrack() throws(MediaError) -> AudioTrack? {
        lock.lock()
        defer { lock.unlock() }
        if let kept { return kept }
        guard hasTrack, let source else { return nil }
        var samples: [Float] = []
        samples.reserveCapacity(sampleCount)
        try Self.streamFile(path: source, leadSamples: leadSamples) { samples.append(contentsOf: $0) }
        decodeCount += 1
        let decoded = AudioTrack(samples: samples, sampleRate: AudioTrack.engineSampleRate)
        kept = decoded
        return decoded
    }

    /// Hands the samples to `sink` in chunks (with the lead's silence first) without keeping them: a held track's
    /// at once, a streamed clip's decoded again (counted in `decodes`). False when there is no track.
    func streamSamples(_ sink: (UnsafeBufferPointer<Float>) -> Void) throws(MediaError) -> Bool {
        let held = lock.withLock { kept }
        if let held {
            held.samples.withUnsafeBufferPointer { sink($0) }
            return true
        }
        guard hasTrack, let source else { return false }
        try Self.streamFile(path: source, leadSamples: leadSamples, sink)
        lock.withLock { decodeCount += 1 }
        return true
    }

    /// What identifies this audio for caches of per-clip results: a hash of the held samples, or the streamed
    /// file's path, size, modification time and lead; with the grid.
    public var identity: String {
        let grid = "\(sampleCount)#\(fps)#\(slotCount)"
        if let held = lock.withLock({ kept }), source == nil {
            var h = Hasher()
            held.samples.withUnsafeBytes { h.combine(bytes: $0) }
            return "samples#\(h.finalize())#\(grid)"
        }
        let attributes = source.flatMap { try? FileManager.default.attributesOfItem(atPath: $0) }
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "file#\(source ?? "")#\(size)#\(modified)#\(leadSamples)#\(grid)"
    }

    /// `loadTrack()`, nil also when a streamed clip's second decode fails (the file decoded in pass 1, so only a file
    /// changed in between can fail it; use `loadTrack()` to see the error).
    public var track: AudioTrack? { try? loadTrack() }

    /// Seconds of audio, nil without a track.
    public var duration: Double? { hasTrack ? Double(sampleCount) / Double(AudioTrack.engineSampleRate) : nil }

    /// True when there is enough audio for one 25 ms analysis window.
    public var hasSpeechWindow: Bool { sampleCount >= 400 }

    /// The feature frames of `settings` (10 ms hop), computed once; nil without enough audio.
    public func features(_ settings: AudioFeatureSettings) throws -> FeatureMatrix? {
        guard hasTrack, hasSpeechWindow else { return nil }
        if let f = lock.withLock({ features[settings] }) { return f }
        guard let track = try loadTrack() else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if let f = features[settings] { return f }
        // Through the streamed computation (equal value for value), the one place MFCC frames are computed.
        var streamed = StreamedMFCC(settings: settings)
        try streamed.append(track.samples)
        guard let f = try streamed.finish() else { return nil }
        features[settings] = f
        return f
    }

    /// FE-Net's audio rows: MFCC-13 with its 5-segment context on every slot (`SlotFeatures.make`); nil without audio.
    public func restorationRows() throws -> FeatureMatrix? {
        lock.lock()
        if let cached = restorationRowsCache {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let rows = try features(.mfcc).map { try SlotFeatures.make(features: $0, fps: fps, slotCount: slotCount) }
        lock.lock()
        restorationRowsCache = .some(rows)
        lock.unlock()
        return rows
    }

    /// Ali-Net's `slotCount × segmentSize` slot segments for `configuration` (Eq. 4's audio input).
    public func aliNetSegments(_ configuration: AliNetConfiguration) throws -> [Float] {
        guard hasTrack else { throw AlignmentError.missingInput("the clip has no audio track; Ali-Net aligns by the audio") }
        guard let features = try features(AliNetInputs.featureSettings(configuration)) else {
            throw AlignmentError.missingInput("audio of \(sampleCount) samples is too short for one 25 ms window")
        }
        return try AliNetInputs.segments(features: features, fps: fps, slotCount: slotCount, configuration: configuration)
    }
}
