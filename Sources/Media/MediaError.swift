import CFFmpeg
import SafeOutput

/// Errors the media layer throws: bad paths, unreadable files, missing streams, codec failures.
///
/// FFmpeg failures keep FFmpeg's own message (from `av_strerror`) so that a user can act on them.
public enum MediaError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case fileNotFound(String)
    /// The path names a directory, not a file.
    case isDirectory(String)
    /// The file is empty.
    case emptyFile(String)
    /// FFmpeg could not open or parse the file as media.
    case unreadable(path: String, reason: String)
    /// The file has no video stream.
    case noVideoStream(String)
    /// The file has no audio stream.
    case noAudioStream(String)
    /// No decoder or encoder exists for a codec.
    case unsupportedCodec(String)
    /// Decoding failed part way.
    case decodeFailed(path: String, reason: String)
    /// Encoding or writing failed.
    case encodeFailed(path: String, reason: String)
    /// An argument is out of range (size, frame rate, buffer length).
    case invalidArgument(String)
    /// An output file was refused or could not be written (`OutputFile`).
    case output(OutputError)

    public var description: String {
        switch self {
        case let .fileNotFound(p): "no such file: \(p)"
        case let .isDirectory(p): "is a directory, not a media file: \(p)"
        case let .emptyFile(p): "file is empty: \(p)"
        case let .unreadable(p, r): "cannot read \(p) as media: \(r)"
        case let .noVideoStream(p): "no video stream in \(p)"
        case let .noAudioStream(p): "no audio stream in \(p)"
        case let .unsupportedCodec(c): "no codec available for \(c)"
        case let .decodeFailed(p, r): "decoding \(p) failed: \(r)"
        case let .encodeFailed(p, r): "writing \(p) failed: \(r)"
        case let .invalidArgument(s): "invalid argument: \(s)"
        case let .output(e): e.description
        }
    }
}

// MARK: - FFmpeg status codes

/// FFmpeg's message for a negative status code.
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 { return "FFmpeg error \(code)" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Throws `make(message)` when an FFmpeg call returned a negative status; returns the status otherwise.
@discardableResult
func check(_ code: Int32, _ make: (String) -> MediaError) throws(MediaError) -> Int32 {
    if code < 0 { throw make(ffmpegMessage(code)) }
    return code
}

/// Silences FFmpeg's own logging once per process: errors reach the user through `MediaError` instead.
let quietFFmpeg: Void = { av_log_set_level(AV_LOG_QUIET) }()
