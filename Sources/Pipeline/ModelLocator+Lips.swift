import Foundation

extension ModelLocator {
    /// The file name of the shipped lip-geometry model (`LipGeometryModel`, with the fused aligner's calibration).
    public static let lipsModelName = "lips.safetensors"

    /// The lip-geometry model: `lips.safetensors` beside an explicit Ali-Net model, else the first in the search
    /// folders; nil when none.
    public func lipsModelPath() -> String? {
        var folders = searchFolders
        if let alignerModel { folders.insert((alignerModel as NSString).deletingLastPathComponent, at: 0) }
        return folders.map { ($0 as NSString).appendingPathComponent(Self.lipsModelName) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
