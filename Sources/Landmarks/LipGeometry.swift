/// The shape of the mouth in one frame, from its 68 landmarks, in units of the inter-ocular distance (so it is the
/// same for every face size and unchanged by in-plane head motion: translation, rotation and scale cancel).
///
/// - inner aperture: mean of the three vertical gaps of the inner lip contour (61–67, 62–66, 63–65): 0 when the lips
///   touch, the cue for bilabial closures and open vowels;
/// - outer aperture: mean of the three vertical spans of the outer contour (50–58, 51–57, 52–56): lip thickness
///   plus opening;
/// - mouth width: corner to corner of the outer contour (48–54): wide for spread vowels, narrow when rounded;
/// - jaw opening: nose base (33) to chin (8): grows as the jaw drops.
public struct LipGeometry: Sendable, Hashable, Codable {
    /// Number of values (`vector`'s length).
    public static let count = 4
    /// The values' names, in `vector` order.
    public static let names = ["inner_aperture", "outer_aperture", "mouth_width", "jaw_opening"]

    public var innerAperture: Float
    public var outerAperture: Float
    public var mouthWidth: Float
    public var jawOpening: Float

    public init(innerAperture: Float, outerAperture: Float, mouthWidth: Float, jawOpening: Float) {
        self.innerAperture = innerAperture
        self.outerAperture = outerAperture
        self.mouthWidth = mouthWidth
        self.jawOpening = jawOpening
    }

    /// The geometry of `landmarks`; throws when the eyes coincide (no scale to normalise by).
    public init(_ landmarks: FaceLandmarks) throws(LandmarksError) {
        let iod = landmarks.interOcularDistance
        guard iod.isFinite, iod > 1e-3 else {
            throw .landmarksFailed("the eye centres coincide (inter-ocular distance \(iod) px)")
        }
        let p = landmarks.points
        func span(_ pairs: [(Int, Int)]) -> Float {
            pairs.reduce(0) { $0 + p[$1.0].distance(to: p[$1.1]) } / Float(pairs.count)
        }
        let scale = 1 / iod
        innerAperture = span([(61, 67), (62, 66), (63, 65)]) * scale
        outerAperture = span([(50, 58), (51, 57), (52, 56)]) * scale
        mouthWidth = p[48].distance(to: p[54]) * scale
        jawOpening = p[33].distance(to: p[8]) * scale
    }

    /// (inner aperture, outer aperture, mouth width, jaw opening).
    public var vector: [Float] { [innerAperture, outerAperture, mouthWidth, jawOpening] }

    /// From a `vector` of `count` values.
    public init(vector v: [Float]) throws(LandmarksError) {
        guard v.count == Self.count else { throw .invalidInput("\(v.count) lip-geometry values, not \(Self.count)") }
        self.init(innerAperture: v[0], outerAperture: v[1], mouthWidth: v[2], jawOpening: v[3])
    }
}

extension FaceLandmarks {
    /// The lip geometry of these landmarks (see `LipGeometry`).
    public func lipGeometry() throws(LandmarksError) -> LipGeometry { try LipGeometry(self) }
}
