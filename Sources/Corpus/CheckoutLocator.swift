import Foundation

/// Finds files that ship inside the checkout (models, the project split) from wherever the tool runs.
public enum CheckoutLocator {
    /// `relativePath` (e.g. `SampleData/models/alinet.safetensors`) searched upwards from the executable's folder, then
    /// from the current directory, at most eight levels each; nil when it is in neither.
    public static func find(_ relativePath: String) -> String? {
        let fm = FileManager.default
        var starts: [URL] = []
        if let exe = Bundle.main.executableURL { starts.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: fm.currentDirectoryPath))
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent(relativePath).path
                if fm.fileExists(atPath: candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }
}
