import Foundation

/// Checks a path before FFmpeg sees it, so that the common mistakes get precise errors.
enum MediaPath {
    /// Throws when `path` is missing, a directory or empty.
    static func validateReadable(_ path: String) throws(MediaError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path)
        }
        if isDirectory.boolValue { throw .isDirectory(path) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { throw .emptyFile(path) }
    }
}
