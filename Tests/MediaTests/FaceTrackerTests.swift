import Foundation
import Testing
@testable import Media

/// The tracker smooths and holds the face box; the cropper makes S×S squares around it (or a fixed box, or the centre).
@Suite struct FaceTrackerTests {
    static func blank(_ w: Int, _ h: Int, index: Int = 0) throws -> VideoFrame {
        try VideoFrame(width: w, height: h, rgb: [UInt8](repeating: 128, count: w * h * 3), index: index)
    }

    /// A tracker fed by a scripted list of detections, one list per detector call.
    static func scripted(_ script: [[PixelRect]], every: Int = 1, smoothing: Double = 0.5) throws -> (FaceTracker, () -> Int) {
        final class Calls: @unchecked Sendable { var n = 0 }
        let calls = Calls()
        let tracker = try FaceTracker(settings: .init(detectEvery: every, smoothing: smoothing)) { (_: VideoFrame) throws(MediaError) -> [FaceDetection] in
            defer { calls.n += 1 }
            return calls.n < script.count ? script[calls.n].map { FaceDetection(box: $0, neighbors: 9) } : []
        }
        return (tracker, { calls.n })
    }

    @Test func smoothsTowardsNewDetectionsAndKeepsTheLargest() throws {
        let (tracker, _) = try Self.scripted([
            [PixelRect(x: 100, y: 100, width: 100, height: 100), PixelRect(x: 0, y: 0, width: 40, height: 40)],
            [PixelRect(x: 120, y: 100, width: 100, height: 100)],
        ])
        let frame = try Self.blank(400, 300)
        #expect(try tracker.update(with: frame) == PixelRect(x: 100, y: 100, width: 100, height: 100))
        #expect(try tracker.update(with: frame) == PixelRect(x: 110, y: 100, width: 100, height: 100))
        // No detection: the box holds.
        #expect(try tracker.update(with: frame) == PixelRect(x: 110, y: 100, width: 100, height: 100))
    }

    @Test func ignoresAJumpButReacquiresAfterALongLoss() throws {
        let far = PixelRect(x: 300, y: 200, width: 90, height: 90)
        let (tracker, _) = try Self.scripted([[PixelRect(x: 50, y: 50, width: 100, height: 100)], [far], [], [], [far]])
        let frame = try Self.blank(400, 300)
        try tracker.update(with: frame)
        #expect(try tracker.update(with: frame) == PixelRect(x: 50, y: 50, width: 100, height: 100))
        try tracker.update(with: frame)
        try tracker.update(with: frame)
        #expect(try tracker.update(with: frame) == far)
    }

    @Test func detectsOnlyEveryNFramesOnceFound() throws {
        let box = PixelRect(x: 10, y: 10, width: 50, height: 50)
        let (tracker, calls) = try Self.scripted(Array(repeating: [box], count: 20), every: 5)
        let frame = try Self.blank(100, 100)
        for _ in 0..<10 { try tracker.update(with: frame) }
        #expect(calls() == 2)
    }

    @Test func badSettingsAreErrors() {
        #expect(throws: MediaError.self) { _ = try FaceTracker(settings: .init(detectEvery: 0)) { (_: VideoFrame) throws(MediaError) in [] } }
        #expect(throws: MediaError.self) { _ = try FaceCropper(mode: .none, settings: .init(size: 0)) }
    }

    @Test func cropSquareEnlargesShiftsDownAndStaysInside() throws {
        let cropper = try FaceCropper(mode: .none, settings: .init(size: 64, enlarge: 1.4, shiftDown: 0.1))
        let frame = try Self.blank(640, 360)
        #expect(cropper.square(around: PixelRect(x: 270, y: 100, width: 100, height: 100), in: frame)
                == PixelRect(x: 250, y: 90, width: 140, height: 140))
        // Near the top-left corner the square is moved inside the frame.
        #expect(cropper.square(around: PixelRect(x: 0, y: 0, width: 100, height: 100), in: frame)
                == PixelRect(x: 0, y: 0, width: 140, height: 140))
        // Larger than the frame: shrunk to the shorter side.
        #expect(cropper.square(around: PixelRect(x: 100, y: 0, width: 300, height: 300), in: frame).width == 360)
        #expect(try cropper.cropSquare(for: frame) == PixelRect(x: 140, y: 0, width: 360, height: 360))
        #expect(try cropper.crop(frame).width == 64)
        let fixed = try FaceCropper(mode: .fixed(PixelRect(x: 10, y: 20, width: 100, height: 80)), settings: .init(size: 32))
        #expect(try fixed.cropSquare(for: frame) == PixelRect(x: 10, y: 10, width: 100, height: 100))
    }

    @Test(.enabled(if: FaceDetectorTests.realClipsAvailable, FaceDetectorTests.realClipsReason))
    func tracksARealFaceSteadily() throws {
        let path = try #require(FaceDetectorTests.sharedClip("voxceleb2/Audio_Source_00015.mp4"))
        let cropper = try FaceCropper(mode: .track(detectEvery: 5), settings: .init(size: 128))
        let decoder = try VideoDecoder(path: path)
        var squares: [PixelRect] = []
        for _ in 0..<25 {
            guard let frame = try decoder.nextFrame() else { break }
            squares.append(try cropper.cropSquare(for: frame))
            if squares.count == 1 { #expect(try cropper.crop(frame).width == 128) }
        }
        #expect(squares.count == 25)
        // The square follows the face (not the centred fallback) and moves little over a second.
        #expect(squares.allSatisfy { $0.width > 140 })
        let xs = squares.map(\.x), ys = squares.map(\.y)
        #expect((xs.max() ?? 0) - (xs.min() ?? 0) <= 12 && (ys.max() ?? 0) - (ys.min() ?? 0) <= 12, "\(squares)")
    }
}
