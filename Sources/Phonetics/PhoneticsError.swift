/// Errors of phone decoding and the audio-to-lip-geometry model.
public enum PhoneticsError: Error, CustomStringConvertible, Equatable {
    /// A model file or folder pocketsphinx needs is not there; names the set-up step that installs it.
    case modelMissing(path: String, setup: String)
    /// pocketsphinx refused the configuration or failed to start, decode or report.
    case decoderFailed(String)
    /// The audio is not what the decoder takes (rate, length, values).
    case invalidAudio(String)
    /// A setting is out of its range.
    case invalidSetting(String)
    /// Two inputs disagree in size.
    case shapeMismatch(String)
    /// A model file lacks a part or holds a wrong one.
    case invalidModel(String)

    public var description: String {
        switch self {
        case let .modelMissing(path, setup): "pocketsphinx model not found: \(path) (\(setup))"
        case let .decoderFailed(s): "phone decoder failed: \(s)"
        case let .invalidAudio(s): "invalid audio for phone decoding: \(s)"
        case let .invalidSetting(s): "invalid phonetics setting: \(s)"
        case let .shapeMismatch(s): "shape mismatch: \(s)"
        case let .invalidModel(s): "invalid lip-geometry model: \(s)"
        }
    }
}
