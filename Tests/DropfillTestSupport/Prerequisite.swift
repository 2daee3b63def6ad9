import Foundation

/// What some tests need from the machine, checked once, with the reason a test gives when it is skipped.
///
/// Tests declare these through Swift Testing's `.enabled(if:)`, so a missing prerequisite shows as a skipped test
/// with its reason in the run's summary instead of a silent pass.
public enum Prerequisite {
    /// An executable named `tool` on the standard system paths.
    public static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin", "/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `ffmpeg` is installed (scripts/setup.sh installs it).
    public static let ffmpeg = tool("ffmpeg") != nil
    /// `ffprobe` is installed (it comes with ffmpeg).
    public static let ffprobe = tool("ffprobe") != nil
    public static let ffmpegReason = "ffmpeg/ffprobe are not installed (scripts/setup.sh installs them)"

    /// The built `dropfill` binary sits beside the test bundle (`swift build` builds it; scripts/test.sh does).
    public static let binary = BuiltProduct.binary != nil
    public static let binaryReason = "the dropfill binary is not built next to the tests (run `swift build` first)"

    /// The shared real clips (`../shared/data` beside the checkout, as CI lays it out), or nil.
    public static let sharedData: String? = {
        let path = BuiltProduct.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
        return FileManager.default.fileExists(atPath: path + "/manifest.tsv") ? path : nil
    }()
    public static let sharedDataReason = "no shared/data beside the checkout"

    /// The shared clip at `relative` inside shared/data, when present.
    public static func sharedClip(_ relative: String) -> String? {
        guard let base = sharedData else { return nil }
        let path = base + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
