import DropfillTestSupport
import Foundation
import Testing
@testable import Media

/// The Haar cascade reader and detector: parses Debian's frontal-face cascade, finds the face in real clips where
/// OpenCV finds it, groups like `groupRectangles`, and refuses malformed cascades.
@Suite struct FaceDetectorTests {
    static let cascadeAvailable = FileManager.default.fileExists(atPath: HaarCascade.frontalFacePath)

    /// The shared real clip at `relative`, or nil (see `Prerequisite.sharedClip`).
    static func sharedClip(_ relative: String) -> String? { Prerequisite.sharedClip(relative) }
    static let realClipsAvailable = cascadeAvailable && Prerequisite.sharedData != nil
    static let realClipsReason: Comment = "needs OpenCV's cascade (opencv-data) and shared/data beside the checkout"

    /// The decoded frame at `seconds`.
    static func frame(_ path: String, at seconds: Double) throws -> VideoFrame {
        let decoder = try VideoDecoder(path: path)
        var last: VideoFrame?
        while let f = try decoder.nextFrame() {
            last = f
            if (f.timestamp ?? 0) >= seconds - 1e-6 { break }
        }
        return try #require(last)
    }

    @Test(.enabled(if: cascadeAvailable)) func parsesTheFrontalFaceCascade() throws {
        let cascade = try HaarCascade(contentsOf: HaarCascade.frontalFacePath)
        #expect(cascade.windowWidth == 24 && cascade.windowHeight == 24)
        #expect(cascade.stageCount == 25)
        #expect(cascade.featureCount == 2913)
    }

    /// Reference boxes: OpenCV 4.14 (`pip install "opencv-python-headless<5"`) `CascadeClassifier.detectMultiScale(grey,
    /// scaleFactor=1.1, minNeighbors=4, minSize=(m, m))` run on the very grey image this detector searches (the frame at
    /// 1 s decoded by `VideoDecoder`, shrunk to 320 px wide by `Resampler` when wider, BT.601 luma; m = 40 / shrink),
    /// its box scaled back by the shrink factor. Ours may differ by OpenCV's fixed-point resize rounding: one search
    /// pixel, i.e. `shrink` source pixels.
    @Test(.enabled(if: realClipsAvailable, realClipsReason), arguments: [
        ("grid/bbaf2n.mpg", PixelRect(x: 84, y: 97, width: 141, height: 141)),          // cv2 (75, 86, 125, 125) × 1.125
        ("grid/swiz3n.mpg", PixelRect(x: 99, y: 83, width: 142, height: 142)),          // cv2 (88, 74, 126, 126) × 1.125
        ("obama/sent1.mp4", PixelRect(x: 348, y: 72, width: 360, height: 360)),         // cv2 (87, 18, 90, 90) × 4
        ("voxceleb2/Input_00002.mp4", PixelRect(x: 24, y: 2, width: 147, height: 147)), // cv2 at full size
        ("voxceleb2/Audio_Source_00015.mp4", PixelRect(x: 23, y: 5, width: 127, height: 127)),
    ])
    func findsTheFaceWhereOpenCVDoes(clip: String, reference: PixelRect) throws {
        let path = try #require(Self.sharedClip(clip))
        let frame = try Self.frame(path, at: 1)
        let detector = try FaceDetector()
        let faces = try detector.detect(in: frame)
        let face = try #require(faces.first, "no face in \(clip)")
        let shrink = max(1, Double(frame.width) / 320)
        let tolerance = Int((2 * shrink).rounded(.up))
        #expect(abs(face.box.x - reference.x) <= tolerance, "\(clip): \(face.box) vs OpenCV \(reference)")
        #expect(abs(face.box.y - reference.y) <= tolerance, "\(clip): \(face.box) vs OpenCV \(reference)")
        #expect(abs(face.box.width - reference.width) <= tolerance, "\(clip): \(face.box) vs OpenCV \(reference)")
        #expect(face.neighbors > 4)
    }

    @Test(.enabled(if: cascadeAvailable)) func findsNoFaceInAFaceFreePicture() throws {
        var rgb = [UInt8](repeating: 0, count: 160 * 120 * 3)
        for y in 0..<120 { for x in 0..<160 { for c in 0..<3 { rgb[(y * 160 + x) * 3 + c] = UInt8((x * 3 + y * 2 + c * 40) % 256) } } }
        let frame = try VideoFrame(width: 160, height: 120, rgb: rgb)
        #expect(try FaceDetector().detect(in: frame).isEmpty)
    }

    @Test func groupsRectanglesLikeOpenCV() {
        // Five close boxes form one face; two stray boxes have too few neighbours; a small box inside a strong face goes.
        var rects = (0..<5).map { PixelRect(x: 100 + $0, y: 50 - $0, width: 60 + $0, height: 60 + $0) }
        rects += [PixelRect(x: 10, y: 10, width: 30, height: 30), PixelRect(x: 11, y: 10, width: 30, height: 30)]
        rects += (0..<5).map { _ in PixelRect(x: 110, y: 60, width: 24, height: 24) }
        rects += (0..<5).map { PixelRect(x: 100 + $0, y: 50 - $0, width: 60 + $0, height: 60 + $0) }
        let groups = FaceDetector.groupRectangles(rects, groupThreshold: 4, eps: 0.2)
        #expect(groups.count == 1)
        #expect(groups.first?.box == PixelRect(x: 102, y: 48, width: 62, height: 62))
        #expect(groups.first?.neighbors == 10)
        #expect(FaceDetector.groupRectangles(rects, groupThreshold: 10, eps: 0.2).isEmpty)
    }

    @Test func malformedCascadesAreErrors() {
        #expect(throws: MediaError.fileNotFound("/nonexistent.xml")) { _ = try HaarCascade(contentsOf: "/nonexistent.xml") }
        #expect(throws: MediaError.self) { _ = try HaarCascade(xml: Data("<opencv_storage><cascade>".utf8)) }
        #expect(throws: MediaError.self) { _ = try HaarCascade(xml: Data("not xml at all".utf8)) }
        let lbp = "<opencv_storage><cascade><stageType>BOOST</stageType><featureType>LBP</featureType></cascade></opencv_storage>"
        #expect(throws: MediaError.self) { _ = try HaarCascade(xml: Data(lbp.utf8)) }
        #expect(throws: MediaError.self) { _ = try HaarCascade(xml: Data(Self.tinyCascade(featureIndex: 3).utf8)) }
    }

    @Test func tinyHandWrittenCascadeDecidesByItsFeature() throws {
        // One stage, one stump on a two-rectangle feature: "top half darker than bottom half".
        let cascade = try HaarCascade(xml: Data(Self.tinyCascade(featureIndex: 0).utf8))
        let detector = try FaceDetector(cascade: cascade, settings: FaceDetectorSettings(minNeighbors: 0, minSize: 0))
        var pixels = [UInt8](repeating: 200, count: 24 * 24)
        for i in 0..<(12 * 24) { pixels[i] = UInt8(20 + i % 7) }
        let darkTop = try GreyImage(width: 24, height: 24, pixels: pixels)
        let darkBottom = try GreyImage(width: 24, height: 24, pixels: Array(pixels.reversed()))
        #expect(detector.scan(darkTop, step: 1).map(\.x) == [0])
        #expect(detector.scan(darkBottom, step: 1).isEmpty)
    }

    static func tinyCascade(featureIndex: Int) -> String {
        """
        <?xml version="1.0"?>
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
          <featureType>HAAR</featureType><height>24</height><width>24</width>
          <stageNum>1</stageNum>
          <stages><_><maxWeakCount>1</maxWeakCount><stageThreshold>0.</stageThreshold>
            <weakClassifiers><_><internalNodes>0 -1 \(featureIndex) 0.</internalNodes><leafValues>-1. 1.</leafValues></_></weakClassifiers></_></stages>
          <features><_><rects><_>0 0 24 12 -1.</_><_>0 12 24 12 1.</_></rects><tilted>0</tilted></_></features>
        </cascade>
        </opencv_storage>
        """
    }
}
