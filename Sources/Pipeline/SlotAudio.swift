import Alignment
import Features
import Foundation
import Media

/// A clip's audio on its slot grid: 16 kHz mono decoded once, each kind of feature computed once, and every per-slot
/// view the engine needs (Ali-Net's segments, FE-Net's rows) derived from them.
///
/// Before this type the restore job decoded the audio four times and computed MFCC twice; now a job holds one
/// `SlotAudio` and passes it to the aligner and the restorer.
public final class SlotAudio: @unchecked Sendable {
    /// Mono 16 kHz samples; nil when the clip has no audio stream.
    public let track: AudioTrack?
    /// Rate of the slot grid.
    public let fps: Double
    /// n: slots of the grid.
    public let slotCount: Int

    private let lock = NSLock()
    private var features: [AudioFeatureSettings: FeatureMatrix] = [:]
    private var restorationRowsCache: FeatureMatrix??

    public init(track: AudioTrack?, fps: Double, slotCount: Int) {
        self.track = track
        self.fps = fps
        self.slotCount = slotCount
    }

    /// The 16 kHz audio of the file at `path`, or nil when it has no audio stream (the one audio decode of a job).
    public static func decodeTrack(path: String) throws(MediaError) -> AudioTrack? {
        do {
            return try AudioDecoder.decode(path: path)
        } catch {
            if case .noAudioStream = error { return nil }
            throw error
        }
    }

    /// True when there is enough audio for one 25 ms analysis window.
    public var hasSpeechWindow: Bool { (track?.samples.count ?? 0) >= 400 }

    /// The feature frames of `settings` (10 ms hop), computed once; nil without enough audio.
    public func features(_ settings: AudioFeatureSettings) throws -> FeatureMatrix? {
        guard let track, hasSpeechWindow else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if let f = features[settings] { return f }
        let f = try AudioFeatures.compute(samples: track.samples, settings: settings)
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
        guard track != nil else { throw AlignmentError.missingInput("the clip has no audio track; Ali-Net aligns by the audio") }
        guard let features = try features(AliNetInputs.featureSettings(configuration)) else {
            throw AlignmentError.missingInput("audio of \(track?.samples.count ?? 0) samples is too short for one 25 ms window")
        }
        return try AliNetInputs.segments(features: features, fps: fps, slotCount: slotCount, configuration: configuration)
    }
}
