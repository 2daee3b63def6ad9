/// Turns frames into S×S face crops: the talking-face input of the paper's networks (256×256 by default).
///
/// The crop: a square centred on the (tracked) face box, with side `enlarge` × the box's larger side (1.4 by default:
/// the Haar box spans brows to upper lip, so the margin brings in the chin and the mouth's full motion), its centre
/// shifted down by `shiftDown` × the box height (0.1) so the mouth and chin sit well inside. A square that would leave
/// the frame is moved back inside; one larger than the frame is shrunk to the frame's shorter side. Then the square is
/// resized to S×S (area averaging when shrinking, bilinear when enlarging).
///
/// Modes: `.track` detects and tracks the face (`FaceTracker`; frames before the first detection use the centred square),
/// `.fixed` crops the same box in every frame (then enlarged and shifted as above only if `adjustFixed`), `.none`
/// takes the centred square of the whole frame.
public final class FaceCropper {
    public enum Mode: Sendable, Equatable {
        /// Detect every `detectEvery` frames and track.
        case track(detectEvery: Int)
        /// The same box in every frame, used as the crop square's source box.
        case fixed(PixelRect)
        /// No face search: the centred square of the frame.
        case none
    }

    /// Crop geometry.
    public struct Settings: Sendable, Equatable {
        /// Output side S in pixels.
        public var size: Int
        /// Square side ÷ the face box's larger side.
        public var enlarge: Double
        /// Downward shift of the centre, in face-box heights.
        public var shiftDown: Double
        /// Apply `enlarge`/`shiftDown` to a fixed box too (false: the fixed box is the crop, made square).
        public var adjustFixed: Bool

        public init(size: Int = 256, enlarge: Double = 1.4, shiftDown: Double = 0.1, adjustFixed: Bool = false) {
            self.size = size
            self.enlarge = enlarge
            self.shiftDown = shiftDown
            self.adjustFixed = adjustFixed
        }
    }

    public let mode: Mode
    public let settings: Settings
    private let tracker: FaceTracker?

    /// A cropper; `.track` needs a detector (Debian's frontal-face cascade when nil).
    public init(mode: Mode = .track(detectEvery: 5), settings: Settings = Settings(), detector: FaceDetector? = nil) throws(MediaError) {
        guard settings.size >= 8, settings.size <= 4096, settings.enlarge > 0, settings.shiftDown.isFinite else {
            throw .invalidArgument("face crop settings \(settings)")
        }
        self.mode = mode
        self.settings = settings
        if case let .track(every) = mode {
            let d: FaceDetector
            if let detector { d = detector } else { d = try FaceDetector() }
            tracker = try FaceTracker(detector: d, settings: FaceTracker.Settings(detectEvery: every))
        } else {
            tracker = nil
        }
    }

    /// The square region of `frame` the next crop takes (advances the tracker in `.track` mode: call once per frame, in order).
    public func cropSquare(for frame: VideoFrame) throws(MediaError) -> PixelRect {
        switch mode {
        case .none:
            return Self.centredSquare(width: frame.width, height: frame.height)
        case let .fixed(box):
            return settings.adjustFixed ? square(around: box, in: frame) : Self.fit(square: box, width: frame.width, height: frame.height)
        case .track:
            guard let tracker, let box = try tracker.update(with: frame) else {
                return Self.centredSquare(width: frame.width, height: frame.height)
            }
            return square(around: box, in: frame)
        }
    }

    /// The next frame's S×S face crop.
    public func crop(_ frame: VideoFrame) throws(MediaError) -> VideoFrame {
        let region = try cropSquare(for: frame)
        let cut = try frame.cropped(to: region)
        return try Resampler.resize(cut, width: settings.size, height: settings.size)
    }

    /// Forgets the tracked face (for a new clip).
    public func reset() { tracker?.reset() }

    // MARK: - Geometry

    /// The crop square around a face box (enlarged, shifted down, kept inside the frame).
    public func square(around box: PixelRect, in frame: VideoFrame) -> PixelRect {
        let side = settings.enlarge * Double(max(box.width, box.height))
        let cx = Double(box.x) + Double(box.width) / 2
        let cy = Double(box.y) + Double(box.height) / 2 + settings.shiftDown * Double(box.height)
        let s = Int(side.rounded())
        return Self.fit(square: PixelRect(x: Int((cx - side / 2).rounded()), y: Int((cy - side / 2).rounded()), width: s, height: s),
                        width: frame.width, height: frame.height)
    }

    /// `square` made square (its larger side), at most the frame's shorter side, and moved inside the frame.
    static func fit(square r: PixelRect, width: Int, height: Int) -> PixelRect {
        let side = max(1, min(max(r.width, r.height), min(width, height)))
        let cx = r.x + r.width / 2, cy = r.y + r.height / 2
        let x = min(max(0, cx - side / 2), width - side), y = min(max(0, cy - side / 2), height - side)
        return PixelRect(x: x, y: y, width: side, height: side)
    }

    static func centredSquare(width: Int, height: Int) -> PixelRect {
        let side = min(width, height)
        return PixelRect(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
    }
}
