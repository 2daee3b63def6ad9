import CDlibLandmarks
import Foundation
import Media

/// dlib's 68-point shape predictor (Kazemi & Sullivan's ensemble of regression trees, trained on iBUG 300-W), run on
/// a face box the project already found.
///
/// The model file is about 100 MB and takes a moment to read: load it once per process with `shared(modelPath:)`
/// and reuse the instance; `landmarks(…)` is safe to call from several threads at once.
///
/// dlib's predictor was trained on boxes from dlib's own HOG face detector, which are tighter than the Haar
/// cascade's (`FaceDetector`): `dlibBox(fromCascade:)` maps one to the other (`landmarks(in:cascadeBox:)` does it
/// for you). `landmarks(in:dlibBox:)` takes a box in dlib's convention as is.
public final class LandmarkDetector: @unchecked Sendable {
    /// Where Debian's `libdlib-data` installs the 68-point model.
    public static let defaultModelPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

    /// The model file this detector was loaded from.
    public let modelPath: String
    private let handle: OpaquePointer

    // MARK: - Loading

    /// Whether a model file is at `path` (for tests and for callers that fall back without landmarks).
    public static func isModelInstalled(at path: String = defaultModelPath) -> Bool {
        FileManager.default.isReadableFile(atPath: path)
    }

    /// Loads the shape predictor at `modelPath` (prefer `shared(modelPath:)`: the file is large).
    public init(modelPath: String = LandmarkDetector.defaultModelPath) throws(LandmarksError) {
        guard FileManager.default.fileExists(atPath: modelPath) else { throw .modelMissing(path: modelPath) }
        var code: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        guard let loaded = cdl_predictor_load(modelPath, &code, &message, message.count) else {
            throw .modelUnreadable(path: modelPath, reason: Self.text(message))
        }
        let parts = Int(cdl_predictor_parts(loaded))
        guard parts == FaceLandmarks.count else {
            cdl_predictor_free(loaded)
            throw .modelUnreadable(path: modelPath, reason: "it predicts \(parts) points, not \(FaceLandmarks.count)")
        }
        self.modelPath = modelPath
        handle = loaded
    }

    deinit { cdl_predictor_free(handle) }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: LandmarkDetector] = [:]

    /// The one detector per model path in this process, loaded on first use.
    public static func shared(modelPath: String = defaultModelPath) throws(LandmarksError) -> LandmarkDetector {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let known = cache[modelPath] { return known }
        let detector = try LandmarkDetector(modelPath: modelPath)
        cache[modelPath] = detector
        return detector
    }

    // MARK: - Prediction

    /// The 68 landmarks of the face in `dlibBox` (dlib's box convention) of an RGB frame, in frame pixels.
    public func landmarks(in frame: VideoFrame, dlibBox box: PixelRect) throws(LandmarksError) -> FaceLandmarks {
        guard box.width > 0, box.height > 0 else { throw .invalidInput("empty face box \(box)") }
        let inside = box.clamped(width: frame.width, height: frame.height)
        guard inside.width * 2 >= box.width, inside.height * 2 >= box.height else {
            throw .invalidInput("face box \(box) lies mostly outside the \(frame.width)×\(frame.height) frame")
        }
        var xy = [Float](repeating: 0, count: 2 * FaceLandmarks.count)
        var message = [CChar](repeating: 0, count: 512)
        let status = frame.rgb.withUnsafeBufferPointer { rgb in
            cdl_predictor_run(handle, rgb.baseAddress, Int32(frame.width), Int32(frame.height), Int32(frame.width * 3),
                              box.x, box.y, box.x + box.width - 1, box.y + box.height - 1,
                              &xy, Int32(xy.count), &message, message.count)
        }
        guard status == CDL_OK else {
            if status == CDL_ERROR_INPUT { throw .invalidInput(Self.text(message)) }
            throw .landmarksFailed(Self.text(message))
        }
        let points = (0..<FaceLandmarks.count).map { LandmarkPoint(x: xy[2 * $0], y: xy[2 * $0 + 1]) }
        // The trees only move the mean shape inside the box; points far outside it mean a broken model or input.
        let margin = Float(max(box.width, box.height))
        guard points.allSatisfy({ $0.x > Float(box.x) - margin && $0.x < Float(box.x + box.width) + margin
                                    && $0.y > Float(box.y) - margin && $0.y < Float(box.y + box.height) + margin }) else {
            throw .landmarksFailed("points far outside the face box \(box)")
        }
        return try FaceLandmarks(points: points, box: box)
    }

    /// The landmarks of the face the Haar cascade found at `cascadeBox` (a `FaceDetector` or `FaceTracker` box).
    ///
    /// The cascade's box is mapped to dlib's convention (`dlibBox(fromCascade:)`), the points predicted, and the box
    /// re-drawn from the points (`dlibBox(around:)`) and the points predicted again, up to `refinements` times
    /// while the box still moves by more than 2% of its side: the Haar box is a loose start (on face-filling
    /// VoxCeleb2 crops it sometimes frames half the face), the predictor is only accurate from a box like its own.
    public func landmarks(in frame: VideoFrame, cascadeBox: PixelRect, refinements: Int = 2) throws(LandmarksError) -> FaceLandmarks {
        var found = try landmarks(in: frame, dlibBox: Self.dlibBox(fromCascade: cascadeBox))
        for _ in 0..<max(0, refinements) {
            let box = Self.dlibBox(around: found)
            let moved = max(abs(box.x - found.box.x), abs(box.y - found.box.y), abs(box.width - found.box.width))
            if Double(moved) <= 0.02 * Double(found.box.width) { break }
            found = try landmarks(in: frame, dlibBox: box)
        }
        return found
    }

    /// The landmarks of the largest face `detector` finds in `frame`; `noFace` when there is none.
    public func landmarks(in frame: VideoFrame, detector: FaceDetector) throws(LandmarksError) -> FaceLandmarks {
        let found: PixelRect?
        do { found = try detector.largestFace(in: frame) } catch { throw .media(error) }
        guard let found else { throw .noFace(frame: frame.index) }
        return try landmarks(in: frame, cascadeBox: found)
    }

    /// The landmarks of the face in a square face crop made by `FaceCropper` with `settings` (the face box is where
    /// the cropper put it: centred, `1 / enlarge` of the side, raised by `shiftDown` of the box), in crop pixels.
    public func landmarks(inFaceCrop crop: VideoFrame,
                          settings: FaceCropper.Settings = FaceCropper.Settings()) throws(LandmarksError) -> FaceLandmarks {
        try landmarks(in: crop, cascadeBox: Self.cascadeBox(inFaceCropOfSide: crop.width, settings: settings))
    }

    // MARK: - Box conventions

    /// The Haar-cascade face box that a `FaceCropper` crop of side `side` made with `settings` is centred on.
    public static func cascadeBox(inFaceCropOfSide side: Int, settings: FaceCropper.Settings) -> PixelRect {
        let s = Double(side)
        let boxSide = s / settings.enlarge
        let cx = s / 2, cy = s / 2 - settings.shiftDown * boxSide
        return PixelRect(x: Int((cx - boxSide / 2).rounded()), y: Int((cy - boxSide / 2).rounded()),
                         width: Int(boxSide.rounded()), height: Int(boxSide.rounded()))
    }

    /// How a Haar-cascade box maps onto the box dlib's HOG detector draws around the same face: the dlib box has
    /// side `scale` × the cascade box's and its centre is shifted by (`dx`, `dy`) × the cascade side. Medians over
    /// 87 frames of ../shared/data (two per clip) where both detectors found the face (see DECISIONS.md).
    public static let cascadeToDlib = (scale: 0.89, dx: 0.008, dy: 0.075)

    /// How the 68 points map onto the box dlib's detector drew for them: side `scale` × the points' extent (the larger
    /// of their width and height), centre shifted by (`dx`, `dy`) × the extent from the centre of their bounding box.
    /// Medians over the same 87 frames.
    public static let landmarksToDlib = (scale: 1.03, dx: -0.02, dy: -0.10)

    /// The dlib-convention box for a Haar-cascade box (see `cascadeToDlib`).
    public static func dlibBox(fromCascade box: PixelRect) -> PixelRect {
        let side = Double(max(box.width, box.height))
        return square(centreX: Double(box.x) + Double(box.width) / 2 + cascadeToDlib.dx * side,
                      centreY: Double(box.y) + Double(box.height) / 2 + cascadeToDlib.dy * side,
                      side: cascadeToDlib.scale * side)
    }

    /// The dlib-convention box around a face's landmarks (see `landmarksToDlib`).
    public static func dlibBox(around landmarks: FaceLandmarks) -> PixelRect {
        let xs = landmarks.points.map { Double($0.x) }, ys = landmarks.points.map { Double($0.y) }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return landmarks.box }
        let extent = max(x1 - x0, y1 - y0)
        return square(centreX: (x0 + x1) / 2 + landmarksToDlib.dx * extent, centreY: (y0 + y1) / 2 + landmarksToDlib.dy * extent,
                      side: landmarksToDlib.scale * extent)
    }

    private static func square(centreX cx: Double, centreY cy: Double, side: Double) -> PixelRect {
        let s = max(1, side.rounded())
        return PixelRect(x: Int((cx - s / 2).rounded()), y: Int((cy - s / 2).rounded()), width: Int(s), height: Int(s))
    }

    private static func text(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "unknown error" : String(decoding: bytes, as: UTF8.self)
    }
}
