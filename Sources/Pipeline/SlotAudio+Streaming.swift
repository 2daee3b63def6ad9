import Features
import Foundation
import Media

// MARK: - Pass 1's audio, streamed

/// What pass 1 keeps of a clip's audio: its length and its MFCC frames, not its samples.
public struct StreamedAudio: Sendable {
    /// 16 kHz samples decoded.
    public var sampleCount: Int
    /// `AudioFeatureSettings.mfcc` frames of the whole track; nil when it is shorter than one window.
    public var mfcc: FeatureMatrix?
}

extension SlotAudio {
    /// Decodes the 16 kHz audio of `path` chunk by chunk and computes its MFCC frames on the way; nil when the file
    /// has no audio stream. `leadSamples` of silence come first (the grid's audio lead, `SlotGrid.audioLead`) and are
    /// counted in `sampleCount`. Memory: one chunk of samples plus the frames.
    public static func stream(path: String, leadSamples: Int = 0) throws -> StreamedAudio? {
        var mfcc = StreamedMFCC(settings: .mfcc)
        var failure: (any Error)?
        do {
            try streamFile(path: path, leadSamples: leadSamples) { chunk in
                guard failure == nil else { return }
                do { try mfcc.append(chunk) } catch { failure = error }
            }
        } catch {
            if case .noAudioStream = error { return nil }
            throw error
        }
        if let failure { throw failure }
        return StreamedAudio(sampleCount: mfcc.sampleCount, mfcc: try mfcc.finish())
    }

    /// The one way the grid's audio is read from a file: the 16 kHz samples of `path` in chunks, `leadSamples` of
    /// silence before the first (handed over only once the file proved to have audio). Throws `noAudioStream`
    /// without audio.
    static func streamFile(path: String, leadSamples: Int, _ sink: (UnsafeBufferPointer<Float>) -> Void) throws(MediaError) {
        var leadPending = max(0, leadSamples)
        try AudioDecoder.stream(path: path, sampleRate: AudioTrack.engineSampleRate) { chunk in
            if leadPending > 0 {
                [Float](repeating: 0, count: leadPending).withUnsafeBufferPointer { sink($0) }
                leadPending = 0
            }
            sink(chunk)
        }
    }
}

/// MFCC frames of a signal that arrives in pieces, equal value for value to `AudioFeatures.compute` on the whole
/// signal.
///
/// Frame f reads the pre-emphasised samples x[f·hop ..< f·hop + window] with x[t] = s[t] − p·s[t − 1] (x[0] = s[0])
/// and zeros past the end, nothing else. So the buffer is computed whenever it holds `chunk` samples, keeping only
/// the frames whose window lies inside it and — except at the very start — dropping its first frame (whose first
/// sample lacks its predecessor); the buffer then restarts one hop before the next frame needed. The last buffer is
/// computed with the zero padding of the end, as the whole signal would be.
struct StreamedMFCC {
    let settings: AudioFeatureSettings
    /// Samples per computation (10 s by default).
    let chunk: Int
    private var pending: [Float] = []
    /// Signal index of `pending[0]`: 0 while no frame is done, else one hop before `nextFrame`'s start.
    private var pendingStart = 0
    private var nextFrame = 0
    private var values: [Float] = []
    /// Samples seen.
    private(set) var sampleCount = 0

    init(settings: AudioFeatureSettings, chunk: Int = 160_000) {
        self.settings = settings
        self.chunk = max(chunk, settings.window + settings.hop)
    }

    mutating func append(_ samples: UnsafeBufferPointer<Float>) throws {
        pending.append(contentsOf: samples)
        sampleCount += samples.count
        if pending.count >= chunk { try compute(final: false) }
    }

    mutating func append(_ samples: [Float]) throws {
        try samples.withUnsafeBufferPointer { try append($0) }
    }

    /// The frames of everything appended; nil when it is shorter than one window.
    mutating func finish() throws -> FeatureMatrix? {
        guard sampleCount >= settings.window else { return nil }
        try compute(final: true)
        let dims = settings.dimension
        return try FeatureMatrix(rows: values.count / dims, columns: dims, values: values, step: settings.hopSeconds,
                                 firstCentre: settings.firstFrameCentre,
                                 duration: Double(sampleCount) / Double(settings.sampleRate))
    }

    private mutating func compute(final: Bool) throws {
        let hop = settings.hop, window = settings.window, dims = settings.dimension
        guard pending.count >= window else { return }
        let m = try AudioFeatures.compute(samples: pending, settings: settings)
        let first = nextFrame - pendingStart / hop
        let last = final ? m.rows - 1 : min(m.rows - 1, (pending.count - window) / hop)
        guard last >= first else { return }
        values += m.values[(first * dims)..<((last + 1) * dims)]
        nextFrame = pendingStart / hop + last + 1
        guard !final else { return }
        let restart = (nextFrame - 1) * hop
        pending.removeFirst(restart - pendingStart)
        pendingStart = restart
    }
}
