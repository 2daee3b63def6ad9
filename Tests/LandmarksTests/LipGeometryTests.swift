import Foundation
import Media
import Testing
@testable import Landmarks

/// Lip geometry is a function of the face's shape alone: the same under translation, rotation and scale of the points.
@Suite struct LipGeometryTests {
    /// A synthetic 68-point face: a rough mean shape with a controllable inner-lip gap (pixels at unit scale).
    static func face(gap: Float) throws -> FaceLandmarks {
        var p = (0..<68).map { i in LandmarkPoint(x: Float(i % 17) * 6, y: Float(i / 17) * 10) }
        for i in 36..<42 { p[i] = LandmarkPoint(x: 30 + Float(i - 36), y: 40) }   // right eye centre ≈ (32.5, 40)
        for i in 42..<48 { p[i] = LandmarkPoint(x: 70 + Float(i - 42), y: 40) }   // left eye centre ≈ (72.5, 40): IOD 40
        p[48] = LandmarkPoint(x: 35, y: 90); p[54] = LandmarkPoint(x: 71, y: 90)
        p[49] = LandmarkPoint(x: 40, y: 86); p[53] = LandmarkPoint(x: 66, y: 86)
        p[55] = LandmarkPoint(x: 66, y: 94); p[59] = LandmarkPoint(x: 40, y: 94)
        p[60] = LandmarkPoint(x: 38, y: 90); p[64] = LandmarkPoint(x: 68, y: 90)
        for (a, b, x) in [(50, 58, 45), (51, 57, 53), (52, 56, 61)] as [(Int, Int, Float)] {
            p[a] = LandmarkPoint(x: x, y: 84 - gap / 2); p[b] = LandmarkPoint(x: x, y: 96 + gap / 2)
        }
        for (a, b, x) in [(61, 67, 45), (62, 66, 53), (63, 65, 61)] as [(Int, Int, Float)] {
            p[a] = LandmarkPoint(x: x, y: 90 - gap / 2); p[b] = LandmarkPoint(x: x, y: 90 + gap / 2)
        }
        p[33] = LandmarkPoint(x: 53, y: 70); p[8] = LandmarkPoint(x: 53, y: 120 + gap)
        return try FaceLandmarks(points: p, box: PixelRect(x: 0, y: 0, width: 110, height: 130))
    }

    @Test func valuesAreInEyeDistances() throws {
        let g = try Self.face(gap: 8).lipGeometry()
        #expect(abs(g.innerAperture - 8.0 / 40) < 1e-4)
        #expect(abs(g.outerAperture - 20.0 / 40) < 1e-4)
        #expect(abs(g.mouthWidth - 36.0 / 40) < 1e-4)
        #expect(abs(g.jawOpening - 58.0 / 40) < 1e-4)
        #expect(try LipGeometry(vector: g.vector) == g)
    }

    @Test func invariantUnderSimilarityTransforms() throws {
        let base = try Self.face(gap: 6)
        let g = try base.lipGeometry()
        for (angle, scale, dx, dy) in [(0.3, 2.5, 100.0, -40.0), (-1.1, 0.4, 3.0, 7.0)] as [(Float, Float, Float, Float)] {
            let c = cos(angle) * scale, s = sin(angle) * scale
            let moved = try FaceLandmarks(points: base.points.map { LandmarkPoint(x: c * $0.x - s * $0.y + dx, y: s * $0.x + c * $0.y + dy) },
                                          box: base.box)
            let h = try moved.lipGeometry()
            for (a, b) in zip(g.vector, h.vector) { #expect(abs(a - b) < 1e-4) }
        }
    }

    @Test func apertureGrowsWithTheGap() throws {
        let closed = try Self.face(gap: 0).lipGeometry(), open = try Self.face(gap: 12).lipGeometry()
        #expect(closed.innerAperture < 1e-6)
        #expect(open.innerAperture > closed.innerAperture)
        #expect(open.outerAperture > closed.outerAperture)
        #expect(open.jawOpening > closed.jawOpening)
    }

    @Test func coincidentEyesAreRefused() throws {
        var p = try Self.face(gap: 4).points
        for i in 36..<48 { p[i] = LandmarkPoint(x: 50, y: 40) }
        #expect(throws: LandmarksError.self) { _ = try FaceLandmarks(points: p, box: PixelRect(x: 0, y: 0, width: 1, height: 1)).lipGeometry() }
    }

    @Test func mouthBoxHoldsEveryMouthPoint() throws {
        let face = try Self.face(gap: 10)
        let box = face.mouthBox(margin: 0.2, aspect: 1.5)
        for p in face.mouthPoints {
            #expect(p.x >= Float(box.x) && p.x <= Float(box.x + box.width))
            #expect(p.y >= Float(box.y) && p.y <= Float(box.y + box.height))
        }
        #expect(abs(Double(box.width) / Double(box.height) - 1.5) < 0.05)
        let frame = try VideoFrame(width: 240, height: 240, rgb: [UInt8](repeating: 9, count: 240 * 240 * 3))
        let crop = try face.mouthCrop(from: frame, margin: 0.2, aspect: 1.5)
        #expect(crop.width == box.width && crop.height == box.height)
    }
}
