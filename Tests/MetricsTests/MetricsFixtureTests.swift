import Foundation
import Media
import Testing
@testable import Metrics

/// PSNR, SSIM and MS-SSIM on real frame pairs agree with scikit-image and the pytorch-msssim port
/// to 1e-5 (references made by Fixtures/make_fixtures.py, stored in Fixtures/expected.json; measured ≤ 2e-6).
@Suite struct MetricsFixtureTests {
    struct Expected: Decodable {
        struct Pair: Decodable {
            let name: String
            let psnr_rgb: Double
            let psnr_y: Double
            let ssim_rgb: Double
            let ssim_y: Double
            let msssim_rgb: Double?
            let msssim_y: Double?
        }
        let pairs: [Pair]
    }

    static func fixturesURL() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    static func expected() throws -> [Expected.Pair] {
        let data = try Data(contentsOf: fixturesURL().appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data).pairs
    }

    static func image(_ name: String) throws -> PlanarImage {
        let frame = try PNGImage.read(fixturesURL().appendingPathComponent(name).path)
        return try PlanarImage(width: frame.width, height: frame.height, rgb8: frame.rgb)
    }

    @Test func fixturesArePresent() throws {
        let pairs = try Self.expected()
        #expect(pairs.count == 5)
        #expect(pairs.filter { $0.msssim_rgb != nil }.count == 3)
    }

    @Test(arguments: ["vox_a", "grid_a", "vox_far", "grid_odd", "obama_b"])
    func agreesWithReferences(name: String) throws {
        let e = try #require(try Self.expected().first { $0.name == name })
        let a = try Self.image("\(name)_0.png"), b = try Self.image("\(name)_1.png")
        let tol = 1e-5  // measured agreement is ≤ 2e-6 (brief: 1e-4)
        #expect(abs(try PSNR.compute(a, b) - e.psnr_rgb) < tol)
        #expect(abs(try PSNR.compute(a, b, convention: .luma) - e.psnr_y) < tol)
        #expect(abs(try SSIM.compute(a, b) - e.ssim_rgb) < tol)
        #expect(abs(try SSIM.compute(a, b, convention: .luma) - e.ssim_y) < tol)
        if let m = e.msssim_rgb, let my = e.msssim_y {
            #expect(abs(try MSSSIM.compute(a, b) - m) < tol)
            #expect(abs(try MSSSIM.compute(a, b, convention: .luma) - my) < tol)
        } else {
            #expect(throws: MetricsError.self) { try MSSSIM.compute(a, b) }
        }
    }

    /// The combined scorer gives the same numbers as the single metrics.
    @Test func imageQualityMatchesSingleMetrics() throws {
        let a = try Self.image("vox_far_0.png"), b = try Self.image("vox_far_1.png")
        let s = try ImageQuality.scores(a, b)
        #expect(s.psnr == (try PSNR.compute(a, b)))
        #expect(s.ssim == (try SSIM.compute(a, b)))
        #expect(s.msssim == (try MSSSIM.compute(a, b)))
        let small = try Self.image("vox_a_0.png"), small1 = try Self.image("vox_a_1.png")
        #expect(try ImageQuality.scores(small, small1).msssim == nil)
    }
}
