import Corpus
import Dispatch
import Landmarks
import Media
import Tensor

/// Where a frame's lip geometry comes from (inner and outer aperture, mouth width, jaw opening, normalised by the
/// inter-ocular distance): a face-landmark detector run on a face crop. Nil for a frame in which no face is found.
public struct LipGeometrySource: Sendable {
    /// What the source is, for reports and one-line notices.
    public let name: String
    /// The geometry of the face in a face crop (`LipGeometry.count` values), nil when there is none.
    public let measure: @Sendable (VideoFrame) -> [Float]?

    public init(name: String, measure: @escaping @Sendable (VideoFrame) -> [Float]?) {
        self.name = name
        self.measure = measure
    }

    /// The geometry of every frame, on both cores.
    public func measure(_ frames: [VideoFrame]) -> [[Float]?] {
        let results = UnsafeResults<[Float]?>(count: frames.count)
        DispatchQueue.concurrentPerform(iterations: frames.count) { i in
            results.set(i, .success(measure(frames[i])))
        }
        return (try? results.values()) ?? frames.map { _ in nil }
    }
}

extension LipGeometrySource {
    /// dlib's 68-point landmarks on the face box a `FaceCropper` crop is centred on (`LandmarkDetector`), then
    /// `LipGeometry`; nil (no source) when the shape-predictor model is not installed.
    public static func dlib(modelPath: String = LandmarkDetector.defaultModelPath) -> LipGeometrySource? {
        guard let detector = try? LandmarkDetector.shared(modelPath: modelPath) else { return nil }
        return LipGeometrySource(name: "dlib 68-point landmarks") { frame in
            try? detector.landmarks(inFaceCrop: frame).lipGeometry().vector
        }
    }
}
