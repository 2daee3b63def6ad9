import Foundation
import Media
import SafeOutput

/// Whether a dropped video keeps the surviving frames' original timestamps.
public enum TimestampMode: String, Codable, Sendable, CaseIterable {
    /// Variable frame rate: each surviving frame sits at its original slot × frame interval (positions recoverable
    /// from the timestamps).
    case keep
    /// Constant frame rate at the original rate: the surviving frames back to back, positions unknown (the paper's
    /// setting). The video is then shorter than the (complete) audio.
    case strip
}

/// The ground truth of a simulated drop: what was dropped from which source, and where every surviving frame belongs.
///
/// Saved as JSON beside the dropped video (`TruthFile.defaultPath(forVideo:)`: `dropped.mp4` → `dropped.truth.json`).
public struct TruthFile: Codable, Sendable, Equatable {
    /// The clip the frames were dropped from.
    public var source: String
    /// Frames in the source (n).
    public var originalFrameCount: Int
    /// The source frame rate as an exact fraction, e.g. "30000/1001" or "25".
    public var frameRate: String
    /// The same frame rate as a number.
    public var fps: Double
    public var width: Int
    public var height: Int
    /// The drop process.
    public var model: DropModel
    /// The requested drop rate R.
    public var rate: Double
    /// The seed of the drop mask.
    public var seed: UInt64
    /// Mean burst length used by the `burst` model (nil for the others).
    public var burstLength: Double?
    /// Whether the video keeps original timestamps.
    public var timestamps: TimestampMode
    /// Original position (slot, from 0) of every surviving frame, in video order: the true s_i.
    public var positions: [Int]

    public init(source: String, originalFrameCount: Int, frameRate: Rational, width: Int, height: Int,
                settings: DropSettings, timestamps: TimestampMode, positions: [Int])
    {
        self.source = source
        self.originalFrameCount = originalFrameCount
        self.frameRate = frameRate.description
        self.fps = frameRate.value
        self.width = width
        self.height = height
        self.model = settings.model
        self.rate = settings.rate
        self.seed = settings.seed
        self.burstLength = settings.model == .burst
            ? ((try? DropSimulation.burstTransitions(rate: settings.rate, burstLength: settings.burstLength)).map { 1 / $0.q })
            : nil
        self.timestamps = timestamps
        self.positions = positions
    }

    /// The frame rate as a `Rational` (parsed from `frameRate`, else approximated from `fps`).
    public var rational: Rational {
        let parts = frameRate.split(separator: "/").compactMap { Int($0) }
        if parts.count == 2, parts[1] > 0 { return Rational(parts[0], parts[1]) }
        if parts.count == 1 { return Rational(parts[0], 1) }
        return Rational(fps: fps)
    }

    /// The settings that produced the drop.
    public var settings: DropSettings { DropSettings(model: model, rate: rate, seed: seed, burstLength: burstLength) }

    /// The keep-mask over the original frames rebuilt from `positions`.
    public var keepMask: [Bool] {
        var mask = [Bool](repeating: false, count: max(0, originalFrameCount))
        for p in positions where p >= 0 && p < mask.count { mask[p] = true }
        return mask
    }

    /// Where the truth file of `video` lives: the video's path with its extension replaced by `.truth.json`.
    public static func defaultPath(forVideo video: String) -> String {
        URL(fileURLWithPath: video).deletingPathExtension().appendingPathExtension("truth.json").path
    }

    // MARK: - Validation

    /// The most original frames a truth file may describe: 10 M, over four days at 25 fps (every slot costs memory
    /// before the video is read).
    public static let maxFrameCount = 10_000_000
    /// The highest frame rate and the largest side accepted (as `restore --fps` and FFmpeg's own limits).
    public static let maxFrameRate = 1000.0
    public static let maxSide = 16_384

    /// Checks the file on its own: sizes and rates in range, positions strictly increasing and inside [0, n).
    public func validate() throws(CorpusError) {
        guard originalFrameCount > 0, originalFrameCount <= Self.maxFrameCount else {
            throw .truthMismatch("original frame count \(originalFrameCount) is not in 1…\(Self.maxFrameCount)")
        }
        guard fps.isFinite, fps > 0, fps <= Self.maxFrameRate else { throw .truthMismatch("frame rate \(fps) is not in (0, \(Int(Self.maxFrameRate))]") }
        let parts = frameRate.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard (parts.count == 1 || parts.count == 2), parts.allSatisfy({ ($0 ?? 0) > 0 }) || Double(frameRate) != nil else {
            throw .truthMismatch("frame rate \"\(frameRate)\" is not a positive number or fraction such as 30000/1001")
        }
        let r = rational
        guard r.numerator > 0, r.denominator > 0, r.value.isFinite, r.value <= Self.maxFrameRate else {
            throw .truthMismatch("frame rate \"\(frameRate)\" is not a positive fraction up to \(Int(Self.maxFrameRate))")
        }
        guard width > 0, height > 0, width <= Self.maxSide, height <= Self.maxSide else {
            throw .truthMismatch("frame size \(width)×\(height) is not in 1…\(Self.maxSide) on each side")
        }
        guard rate.isFinite, rate > 0, rate < 1 else { throw .truthMismatch("drop rate \(rate) is not strictly between 0 and 1") }
        if let b = burstLength, !(b.isFinite && b > 0) { throw .truthMismatch("burst length \(b) is not a positive number") }
        guard !positions.isEmpty else { throw .truthMismatch("no surviving frame listed") }
        guard positions.count <= originalFrameCount else {
            throw .truthMismatch("\(positions.count) surviving frames but only \(originalFrameCount) original frames")
        }
        for (i, p) in positions.enumerated() {
            guard p >= 0, p < originalFrameCount else {
                throw .truthMismatch("position \(p) of surviving frame \(i) lies outside 0..<\(originalFrameCount)")
            }
            if i > 0, p <= positions[i - 1] {
                throw .truthMismatch("positions must increase strictly: frame \(i) is at \(p) after \(positions[i - 1])")
            }
        }
    }

    /// Checks the file against a video that has `frameCount` frames of `width × height`; a mismatch names `file`
    /// (the truth file's path) when given.
    public func validate(frameCount: Int, width videoWidth: Int? = nil, height videoHeight: Int? = nil,
                         file: String? = nil) throws(CorpusError) {
        try validate()
        var why: String?
        if frameCount != positions.count {
            why = "the video has \(frameCount) frames but the truth file lists \(positions.count) surviving frames"
        } else if let videoWidth, let videoHeight, videoWidth != width || videoHeight != height {
            why = "the video is \(videoWidth)×\(videoHeight) but the truth file says \(width)×\(height)"
        }
        guard let why else { return }
        throw file.map { .io(path: $0, reason: "does not match its video: " + why) } ?? .truthMismatch(why)
    }

    /// Checks the file against the video at `path` (decodes it to count the frames exactly).
    public func validate(againstVideo path: String) throws(CorpusError) {
        let info: MediaInfo
        do { info = try MediaInfo.probe(path: path) } catch { throw .media(error) }
        try validate(frameCount: info.frameCount, width: info.video?.width, height: info.video?.height)
    }

    // MARK: - Files

    /// Reads and checks a truth file.
    public static func load(path: String) throws(CorpusError) -> TruthFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .notFound(path) }
        guard !isFolder.boolValue else { throw .io(path: path, reason: "is a folder, not a truth file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "cannot read the file") }
        return try decode(data, path: path)
    }

    /// Parses and checks the bytes of a truth file (`path` names it in errors).
    public static func decode(_ data: Data, path: String) throws(CorpusError) -> TruthFile {
        let truth: TruthFile
        do {
            truth = try JSONDecoder().decode(TruthFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .io(path: path, reason: "not a truth file (missing key \"\(key.stringValue)\")")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx), let DecodingError.dataCorrupted(ctx) {
            let at = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw .io(path: path, reason: at.isEmpty ? "not a truth file (not valid JSON)" : "not a truth file (wrong value at \(at))")
        } catch {
            throw .io(path: path, reason: "not a truth file")
        }
        do { try truth.validate() } catch {
            guard case let .truthMismatch(why) = error else { throw error }
            throw .io(path: path, reason: "not a valid truth file: " + why)
        }
        return truth
    }

    /// Reads the truth file of `video` (at its default path) and checks it against the video.
    public static func load(forVideo video: String) throws(CorpusError) -> TruthFile {
        let truth = try load(path: defaultPath(forVideo: video))
        try truth.validate(againstVideo: video)
        return truth
    }

    /// Writes the file as pretty, key-sorted JSON through `OutputFile` (`inputs`: files it must not replace).
    public func save(path: String, inputs: [String] = []) throws(CorpusError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw .io(path: path, reason: "cannot encode the truth file (\(error))") }
        do { try OutputFile.write(data, to: path, inputs: inputs) } catch { throw .media(.output(error)) }
    }
}
