import Corpus
import Foundation
import Media
@testable import Rating

/// Shared helpers: temporary folders, tiny generated clips, studies and synthetic stimuli.
enum RatingFixtures {
    /// A fresh temporary folder (removed by the caller with `cleanup`).
    static func temporaryFolder(_ tag: String = "rating") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-\(tag)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func cleanup(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

    /// A tiny talking-head stand-in: `frames` frames of size×size at 25 fps, a moving square whose colour depends on
    /// `variant`, and a 16 kHz tone as audio.
    static func makeClip(path: String, variant: Int, frames: Int = 15, size: Int = 48) throws {
        let audio = AudioTrack(samples: (0..<(frames * 16_000 / 25)).map { Float(0.2 * sin(Double($0) * 0.05 * Double(variant + 1))) }, sampleRate: 16_000)
        let enc = try VideoEncoder(path: path, width: size, height: size,
                                   options: EncodeOptions(frameRate: Rational(25, 1), crf: 18, preset: "ultrafast", audio: audio))
        for f in 0..<frames {
            var rgb = [UInt8](repeating: UInt8(40 + 30 * variant), count: size * size * 3)
            let x0 = (f * 2) % (size - 12), y0 = size / 3
            for y in y0..<(y0 + 12) {
                for x in x0..<(x0 + 12) {
                    let i = (y * size + x) * 3
                    rgb[i] = 230
                    rgb[i + 1] = UInt8(60 * variant % 255)
                    rgb[i + 2] = 90
                }
            }
            try enc.append(try VideoFrame(width: size, height: size, rgb: rgb))
        }
        try enc.finish()
    }

    /// Writes a study JSON file in `dir` with `clipCount` generated clips; returns its path.
    static func makeStudy(in dir: String, name: String = "tiny", clipCount: Int = 3, methods: [String] = ["hold", "blend", "minterpolate"],
                          training: Int = 1, allowSilent: Bool = true, scale: String = "1-10", generateClips: Bool = true) throws -> String {
        var clips: [String] = []
        for i in 0..<clipCount {
            let file = "clip\(i).mp4"
            if generateClips { try makeClip(path: dir + "/" + file, variant: i) }
            clips.append(file)
        }
        let obj: [String: Any] = ["name": name, "clips": clips, "methods": methods, "drop": ["rate": 0.6, "seed": 3],
                                  "scale": scale, "training": training, "session_minutes": 30, "allow_silent": allowSilent, "max_side": 48]
        let path = dir + "/study.json"
        try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A study value without files (for store, session and report tests).
    static func study(clips: Int = 2, methods: [String] = ["hold", "blend"], training: Int = 1, scale: RatingScale = .oneToTen,
                      attributes: [String] = Study.paperAttributes) -> Study {
        Study(name: "synthetic", clips: (0..<clips).map { "c\($0).mp4" }, methods: methods, drop: DropSettings(rate: 0.5, seed: 1),
              attributes: attributes, scale: scale, training: training, sessionMinutes: 30, allowSilent: true, maxSide: 32)
    }

    /// Stand-in media: `frames` grey frames at 25 fps (no decoding needed).
    static func media(frames: Int = 3) -> StimulusMedia {
        let f = (0..<frames).compactMap { i in try? VideoFrame(width: 8, height: 8, rgb: [UInt8](repeating: UInt8((i * 40) % 256), count: 8 * 8 * 3)) }
        return StimulusMedia(frames: f, fps: 25, audio: nil)
    }

    static let info = SessionInfo(terminalColumns: 80, terminalRows: 24, graphics: "ascii", audio: false, softwareVersion: "test")
}
