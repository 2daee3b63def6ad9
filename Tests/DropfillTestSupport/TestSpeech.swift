import Foundation
import Media

/// Speech for the tests: a real LibriVox reading (Debian's pocketsphinx-testdata) when installed, else the audio of a
/// shared GRID clip, else a speech-like stand-in (a 120 Hz harmonic buzz gated into syllables at about 4 Hz).
public enum TestSpeech {
    public static let librivox = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
    /// The shared clips beside the checkout (CI lays a copy of shared/ beside its clone).
    public static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
    public static let grid = sharedData + "/grid/bbaf2n.mpg"

    /// `seconds` of mono 16 kHz speech, starting `offset` seconds in.
    public static func load(seconds: Double, offset: Double = 0.5) -> AudioTrack {
        for path in [librivox, grid] where FileManager.default.fileExists(atPath: path) {
            if let track = try? AudioDecoder.decode(path: path, sampleRate: 16_000) {
                let start = Int(offset * 16_000), count = Int(seconds * 16_000)
                if track.samples.count >= start + count {
                    return AudioTrack(samples: Array(track.samples[start..<start + count]), sampleRate: 16_000)
                }
            }
        }
        let n = Int(seconds * 16_000)
        let samples = (0..<n).map { i -> Float in
            let t = Double(i) / 16_000
            let gate = max(0, sin(2 * .pi * 4 * t + sin(2 * .pi * 0.7 * t)))
            let buzz = (1...8).reduce(0.0) { $0 + sin(2 * .pi * 120 * Double($1) * t) / Double($1) }
            return Float(0.2 * gate * gate * buzz)
        }
        return AudioTrack(samples: samples, sampleRate: 16_000)
    }
}
