import Foundation
import Testing
@testable import Metrics

/// Mouth metrics (issue 14): region PSNR/SSIM, LMD and the moving-mouth frames against references computed
/// independently (Fixtures/make_mouth_fixture.py → mouth_expected.json: numpy, scikit-image, dlib's own points).
@Suite struct MouthMetricsTests {
    struct Expected: Decodable {
        struct Region: Decodable {
            let restored: String, reference: String
            let box: [Int]
            let psnr: Double, ssim: Double
        }
        struct LMD: Decodable {
            let restored_mouth: [[Double]], reference_mouth: [[Double]], reference_eyes: [[Double]]
            let lmd_px: Double, interocular_px: Double, lmd_iod: Double
        }
        struct Motion: Decodable {
            let apertures: [Double?]
            let threshold: Double
            let moving: [Bool]
        }
        let regions: [Region]
        let lmd: LMD
        let motion: Motion
    }

    static func expected() throws -> Expected {
        let url = try MetricsFixtureTests.fixturesURL().appendingPathComponent("mouth_expected.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    static func points(_ rows: [[Double]]) -> [SIMD2<Float>] { rows.map { SIMD2(Float($0[0]), Float($0[1])) } }

    @Test func regionScoresMatchTheReference() throws {
        let regions = try Self.expected().regions
        #expect(regions.count == 3)
        for r in regions {
            let a = try MetricsFixtureTests.image(r.restored), b = try MetricsFixtureTests.image(r.reference)
            let box = (x: r.box[0], y: r.box[1], width: r.box[2], height: r.box[3])
            let psnr = try RegionScores.psnr(a, b, in: box), ssim = try RegionScores.ssim(a, b, in: box)
            #expect(abs(psnr - r.psnr) < 1e-4, "\(r.restored) PSNR \(psnr) vs \(r.psnr)")
            #expect(abs(ssim - r.ssim) < 1e-5, "\(r.restored) SSIM \(ssim) vs \(r.ssim)")
            // The whole frame as the region is the whole-frame metric.
            let all = (x: 0, y: 0, width: a.width, height: a.height)
            #expect(try RegionScores.psnr(a, b, in: all) == PSNR.compute(a, b))
        }
    }

    @Test func landmarkDistanceMatchesTheReference() throws {
        let e = try Self.expected().lmd
        let restored = Self.points(e.restored_mouth), truth = Self.points(e.reference_mouth)
        #expect(restored.count == 20)
        #expect(abs(try LandmarkDistance.compute(restored, truth) - e.lmd_px) < 1e-4)
        #expect(abs(try LandmarkDistance.compute(restored, truth, normaliser: e.interocular_px) - e.lmd_iod) < 1e-6)
        #expect(try LandmarkDistance.compute(truth, truth) == 0)
        #expect(try LandmarkDistance.compute(restored, truth) == LandmarkDistance.compute(truth, restored))
    }

    @Test func movingMouthFramesMatchTheReference() throws {
        let m = try Self.expected().motion
        #expect(MouthMotion.moving(apertures: m.apertures, threshold: m.threshold) == m.moving)
        #expect(MouthMotion.moving(apertures: [], threshold: 0.1).isEmpty)
    }

    @Test func badInputIsATypedError() throws {
        let a = try PlanarImage(width: 20, height: 20, pixels: [Float](repeating: 0.5, count: 1200))
        let small = try PlanarImage(width: 10, height: 20, pixels: [Float](repeating: 0.5, count: 600))
        #expect(throws: MetricsError.self) { try RegionScores.psnr(a, a, in: (x: 15, y: 0, width: 10, height: 10)) }
        #expect(throws: MetricsError.self) { try RegionScores.psnr(a, a, in: (x: 0, y: 0, width: 0, height: 10)) }
        #expect(throws: MetricsError.self) { try RegionScores.psnr(a, small, in: (x: 0, y: 0, width: 5, height: 5)) }
        #expect(throws: MetricsError.self) { try RegionScores.ssim(a, a, in: (x: 0, y: 0, width: 8, height: 8)) }
        #expect(throws: MetricsError.self) { try LandmarkDistance.compute([SIMD2(0, 0)], []) }
        #expect(throws: MetricsError.self) { try LandmarkDistance.compute([], []) }
        #expect(throws: MetricsError.self) { try LandmarkDistance.compute([SIMD2(0, 0)], [SIMD2(1, 1)], normaliser: 0) }
        #expect(throws: MetricsError.self) { try LandmarkDistance.compute([SIMD2(.nan, 0)], [SIMD2(1, 1)]) }
    }
}
