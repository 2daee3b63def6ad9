import Media

/// Errors of the landmark detector: a missing or unreadable model file, no face, or a prediction that failed.
public enum LandmarksError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The shape-predictor file is not there (the set-up step installs it).
    case modelMissing(path: String)
    /// The file exists but is not a dlib shape predictor with 68 parts.
    case modelUnreadable(path: String, reason: String)
    /// No face was found in the frame (`frame` is its index).
    case noFace(frame: Int)
    /// dlib ran but gave no usable points (too few parts, a degenerate face, points far outside the frame).
    case landmarksFailed(String)
    /// A frame, box or crop argument is out of range.
    case invalidInput(String)
    /// The media layer failed (face detection, cropping).
    case media(MediaError)

    public var description: String {
        switch self {
        case let .modelMissing(p):
            "no facial landmark model at \(p): run scripts/setup.sh as root (it installs Debian's libdlib-data), or pass the path of shape_predictor_68_face_landmarks.dat"
        case let .modelUnreadable(p, r): "cannot load the landmark model \(p): \(r)"
        case let .noFace(i): "no face found in frame \(i)"
        case let .landmarksFailed(s): "facial landmarks failed: \(s)"
        case let .invalidInput(s): "invalid landmark input: \(s)"
        case let .media(e): e.description
        }
    }
}
