import Alignment

/// The clip aligners by the names the CLI, reports and the inspector use.
public enum AlignerCatalog {
    /// Aligners available without a model file.
    public static let modelFree = [EstimatorKind.uniform.rawValue]

    /// The aligner called `name`.
    public static func make(_ name: String) throws(CorpusError) -> any ClipAligner {
        switch name {
        case EstimatorKind.uniform.rawValue: return UniformClipAligner()
        default: throw .invalidSetting("unknown aligner '\(name)' (available: \(modelFree.joined(separator: ", ")))")
        }
    }
}
