import Corpus
import Foundation
import Media

/// Small real video files made on the fly for the engine tests, and scratch folders to put them in.
public enum TestClips {
    /// A clip of a textured disc moving 2 px per frame over a gradient, written to a scratch folder.
    public static func movingClip(in dir: URL, name: String = "moving.mp4", frames: Int = 40, size: Int = 64) throws -> Clip {
        let path = dir.appendingPathComponent(name).path
        let encoder = try VideoEncoder(path: path, width: size, height: size,
                                       options: EncodeOptions(frameRate: Rational(25, 1), crf: 10, preset: "fast"))
        for i in 0..<frames {
            var rgb = [UInt8](repeating: 0, count: size * size * 3)
            let cx = 12 + 2 * Double(i % 20), cy = 32.0
            for y in 0..<size {
                for x in 0..<size {
                    let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                    let inside = d < 10
                    let o = (y * size + x) * 3
                    rgb[o] = inside ? UInt8(200 + (x + y) % 4 * 10) : UInt8(40 + x * 2)
                    rgb[o + 1] = inside ? 60 : UInt8(50 + y * 2)
                    rgb[o + 2] = inside ? UInt8(30 + (x * 7 % 5) * 8) : 120
                }
            }
            try encoder.append(try VideoFrame(width: size, height: size, rgb: rgb))
        }
        try encoder.finish()
        return Clip(path: path, relativePath: name, person: String(name.prefix { $0 != "." }))
    }

    public static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-eval-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
