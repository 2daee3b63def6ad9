/// Follows one face through a video: detects every N frames, keeps the largest box, smooths it over time.
///
/// The detector gives a box per frame that jitters by a few pixels and now and then adds a false box; a crop that
/// follows it raw would shake. The tracker therefore:
/// - runs the detector on frame 0 and then every `detectEvery` frames (on every frame until a face is first found);
/// - of the boxes found, takes the largest (the talking head is the largest face in frame);
/// - ignores a detection whose centre jumps by more than `maxJump` × the current box side, unless the face was lost for
///   `detectEvery × 3` frames (then it re-acquires);
/// - smooths centre and side with an exponential moving average: box ← box + α (detection − box).
/// Between detections the box stays where it is.
public final class FaceTracker {
    /// Tracking settings.
    public struct Settings: Sendable, Equatable {
        /// Run the detector every this many frames.
        public var detectEvery: Int
        /// Exponential smoothing weight α of a new detection (1 = no smoothing).
        public var smoothing: Double
        /// Largest accepted centre jump between detections, in box sides.
        public var maxJump: Double

        public init(detectEvery: Int = 5, smoothing: Double = 0.35, maxJump: Double = 0.5) {
            self.detectEvery = detectEvery
            self.smoothing = smoothing
            self.maxJump = maxJump
        }
    }

    public let settings: Settings
    private let detect: (VideoFrame) throws(MediaError) -> [FaceDetection]
    private var centre: (x: Double, y: Double)?
    private var side: (w: Double, h: Double) = (0, 0)
    private var framesSeen = 0
    private var framesSinceAccepted = 0

    /// A tracker over `detector`'s faces.
    public convenience init(detector: FaceDetector, settings: Settings = Settings()) throws(MediaError) {
        try self.init(settings: settings) { (frame: VideoFrame) throws(MediaError) -> [FaceDetection] in try detector.detect(in: frame) }
    }

    /// A tracker over any source of detections (largest first), e.g. precomputed boxes.
    public init(settings: Settings = Settings(), detect: @escaping (VideoFrame) throws(MediaError) -> [FaceDetection]) throws(MediaError) {
        guard settings.detectEvery >= 1, settings.smoothing > 0, settings.smoothing <= 1, settings.maxJump > 0 else {
            throw .invalidArgument("face tracker settings \(settings)")
        }
        self.settings = settings
        self.detect = detect
    }

    /// The current (smoothed) face box, or nil before the first detection.
    public var box: PixelRect? {
        guard let c = centre else { return nil }
        return PixelRect(x: Int((c.x - side.w / 2).rounded()), y: Int((c.y - side.h / 2).rounded()),
                         width: Int(side.w.rounded()), height: Int(side.h.rounded()))
    }

    /// Feeds the next frame (in order) and returns the smoothed face box for it, or nil while no face was ever found.
    @discardableResult
    public func update(with frame: VideoFrame) throws(MediaError) -> PixelRect? {
        defer { framesSeen += 1; framesSinceAccepted += 1 }
        guard centre == nil || framesSeen % settings.detectEvery == 0 else { return box }
        guard let found = try detect(frame).max(by: { $0.box.width * $0.box.height < $1.box.width * $1.box.height })?.box else { return box }
        let cx = Double(found.x) + Double(found.width) / 2, cy = Double(found.y) + Double(found.height) / 2
        guard let c = centre else {
            centre = (cx, cy)
            side = (Double(found.width), Double(found.height))
            framesSinceAccepted = 0
            return box
        }
        let jump = ((cx - c.x) * (cx - c.x) + (cy - c.y) * (cy - c.y)).squareRoot()
        let lost = framesSinceAccepted >= settings.detectEvery * 3
        if jump > settings.maxJump * max(side.w, side.h) && !lost { return box }
        let a = lost && jump > settings.maxJump * max(side.w, side.h) ? 1 : settings.smoothing
        centre = (c.x + a * (cx - c.x), c.y + a * (cy - c.y))
        side = (side.w + a * (Double(found.width) - side.w), side.h + a * (Double(found.height) - side.h))
        framesSinceAccepted = 0
        return box
    }

    /// Forgets the face (for a new clip).
    public func reset() {
        centre = nil
        framesSeen = 0
        framesSinceAccepted = 0
    }
}
