import Foundation
import Media
import Testing
@testable import Landmarks

/// Bad input gives typed errors that say what to do, never a crash.
@Suite struct LandmarkErrorTests {
    @Test func missingModelNamesTheSetUpStep() throws {
        #expect {
            _ = try LandmarkDetector(modelPath: "/nonexistent/shape_predictor_68_face_landmarks.dat")
        } throws: { error in
            guard let e = error as? LandmarksError, case .modelMissing = e else { return false }
            return e.description.contains("scripts/setup.sh")
        }
    }

    @Test func aFileThatIsNoModelIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-predictor-\(getpid()).dat").path
        try Data("this is not a dlib shape predictor".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try LandmarkDetector(modelPath: path)
        } throws: { error in
            guard let e = error as? LandmarksError, case .modelUnreadable = e else { return false }
            return true
        }
    }

    @Test(.enabled(if: LandmarkDetector.isModelInstalled(), "dlib's model is not installed (scripts/setup.sh installs libdlib-data)"))
    func blankFrameHasNoFace() throws {
        let blank = try VideoFrame(width: 160, height: 120, rgb: [UInt8](repeating: 128, count: 160 * 120 * 3), index: 7)
        #expect(throws: LandmarksError.noFace(frame: 7)) {
            _ = try LandmarkDetector.shared().landmarks(in: blank, detector: FaceDetector())
        }
    }

    @Test(.enabled(if: LandmarkDetector.isModelInstalled(), "dlib's model is not installed (scripts/setup.sh installs libdlib-data)"))
    func boxOutsideTheFrameIsRefused() throws {
        let frame = try VideoFrame(width: 64, height: 64, rgb: [UInt8](repeating: 0, count: 64 * 64 * 3))
        let detector = try LandmarkDetector.shared()
        for box in [PixelRect(x: 0, y: 0, width: 0, height: 10), PixelRect(x: 100, y: 100, width: 40, height: 40)] {
            #expect(throws: LandmarksError.self) { _ = try detector.landmarks(in: frame, dlibBox: box) }
        }
    }

    @Test func wrongPointCountIsRefused() {
        #expect(throws: LandmarksError.self) {
            _ = try FaceLandmarks(points: [LandmarkPoint(x: 0, y: 0)], box: PixelRect(x: 0, y: 0, width: 1, height: 1))
        }
    }
}
