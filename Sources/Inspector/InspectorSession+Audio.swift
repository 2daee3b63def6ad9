import Foundation
import Media

// MARK: - The audio lane's data

extension InspectorSession {
    /// Loudness per slot for the audio lane: RMS of `audio` over each slot's 1/fps window, in dB, mapped so the
    /// loudest slot is 1 and 40 dB below it (or silence) is 0. `n` values.
    public static func slotEnergy(_ audio: AudioTrack, fps: Double, n: Int) -> [Float] {
        guard n > 0, fps > 0, audio.sampleRate > 0 else { return [] }
        let per = Double(audio.sampleRate) / fps
        var db = [Float](repeating: -.infinity, count: n)
        audio.samples.withUnsafeBufferPointer { x in
            for s in 0..<n {
                let lo = Int((Double(s) * per).rounded()), hi = min(x.count, Int((Double(s + 1) * per).rounded()))
                guard lo < hi else { continue }
                var sum: Float = 0
                for i in lo..<hi { sum += x[i] * x[i] }
                let rms = (sum / Float(hi - lo)).squareRoot()
                db[s] = rms > 0 ? 20 * log10(rms) : -.infinity
            }
        }
        let top = db.filter(\.isFinite).max() ?? 0
        return db.map { v in v.isFinite ? max(0, min(1, (v - (top - 40)) / 40)) : 0 }
    }

    /// This session with `audioEnergy` filled from `audio` (the hook `EngineAdapters` calls).
    public func withAudioEnergy(_ audio: AudioTrack) -> InspectorSession {
        var s = self
        s.audioEnergy = Self.slotEnergy(audio, fps: fps, n: n)
        return s
    }
}
