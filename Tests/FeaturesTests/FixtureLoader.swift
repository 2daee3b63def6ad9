import Foundation

/// Reads the little-endian float32 fixtures written by `Fixtures/make_features_fixtures.py`.
enum FixtureLoader {
    struct Missing: Error { let name: String }

    static func floats(_ name: String) throws -> [Float] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "f32", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// Largest |a − b| / max(|b|, floor) over the two arrays (they must have the same count).
    static func maxRelativeError(_ a: [Float], _ b: [Float], floor: Float = 1) -> Float {
        zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? .infinity
    }
}
