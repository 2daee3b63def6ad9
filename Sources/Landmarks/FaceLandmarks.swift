import Media

/// A point in image pixels (x right, y down), as dlib gives it.
public struct LandmarkPoint: Sendable, Hashable, Codable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }

    /// Euclidean distance to `other`.
    public func distance(to other: LandmarkPoint) -> Float {
        let dx = x - other.x, dy = y - other.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The mean of `points` (the origin for none).
    public static func mean(_ points: some Collection<LandmarkPoint>) -> LandmarkPoint {
        guard !points.isEmpty else { return LandmarkPoint(x: 0, y: 0) }
        var sx: Float = 0, sy: Float = 0
        for p in points { sx += p.x; sy += p.y }
        return LandmarkPoint(x: sx / Float(points.count), y: sy / Float(points.count))
    }
}

/// The 68 facial landmarks of one face (the iBUG 300-W mark-up dlib's predictor is trained on), in the pixels of the
/// frame they were found in, with the face box they were predicted from.
///
/// Index ranges (0-based): jaw 0–16 (chin 8), brows 17–26, nose 27–35 (tip 30, base 33), eyes 36–41 (the
/// subject's right, image left) and 42–47, outer lip 48–59 (corners 48 and 54), inner lip 60–67 (corners 60 and 64).
public struct FaceLandmarks: Sendable, Hashable, Codable {
    /// Number of points of the mark-up.
    public static let count = 68
    /// Jaw line, ear to ear.
    public static let jaw = 0..<17
    /// The two eyes (6 points each).
    public static let rightEye = 36..<42, leftEye = 42..<48
    /// Outer lip contour (12 points) and inner lip contour (8 points).
    public static let outerLip = 48..<60, innerLip = 60..<68
    /// Every mouth point (the 20 points LMD compares).
    public static let mouth = 48..<68

    /// The 68 points.
    public let points: [LandmarkPoint]
    /// The face box (dlib's convention, see `LandmarkDetector.dlibBox`) the points were predicted from.
    public let box: PixelRect

    /// Points checked for count and finiteness.
    public init(points: [LandmarkPoint], box: PixelRect) throws(LandmarksError) {
        guard points.count == Self.count else { throw .landmarksFailed("\(points.count) points, not \(Self.count)") }
        guard points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { throw .landmarksFailed("a point is not finite") }
        self.points = points
        self.box = box
    }

    /// Centres of the two eyes (means of their six points): (subject's right = image left, subject's left).
    public var eyeCentres: (right: LandmarkPoint, left: LandmarkPoint) {
        (LandmarkPoint.mean(points[Self.rightEye]), LandmarkPoint.mean(points[Self.leftEye]))
    }

    /// Inter-ocular distance: between the eye centres, in pixels (the scale every `LipGeometry` value is divided by).
    public var interOcularDistance: Float {
        let e = eyeCentres
        return e.right.distance(to: e.left)
    }

    /// The 20 mouth points (48–67).
    public var mouthPoints: ArraySlice<LandmarkPoint> { points[Self.mouth] }

    /// The landmarks moved by (dx, dy) and scaled by `scale` about the origin: p' = scale · p + (dx, dy)
    /// (to map points found in a face crop back to the frame, or the other way).
    public func transformed(scale: Float, dx: Float, dy: Float, box newBox: PixelRect) throws(LandmarksError) -> FaceLandmarks {
        try FaceLandmarks(points: points.map { LandmarkPoint(x: scale * $0.x + dx, y: scale * $0.y + dy) }, box: newBox)
    }
}
