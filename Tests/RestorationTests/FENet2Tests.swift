import Foundation
import Metrics
import Tensor
import Testing
@testable import Restoration

/// FE-Net v2 (`fenet2`): FE-Net whose flow trunk is RIFE's frozen IFNet — shapes and finiteness with constructed RIFE
/// weights and a tiny FE-Net, the trunk's flow convention, identical neighbours, model files, the catalog, the head
/// start from a `flow_net` FE-Net, and the typed error when RIFE's weights are missing.
@Suite struct FENet2Tests {
    /// A tiny FE-Net v2 configuration (RIFE at half the frame's side).
    static let config = FENetConfig.tiny.withRIFETrunk(scale: 2)

    /// IFNet with the constructed weights of `RIFETests` (small random values; zeros when `random` is false, which
    /// makes every flow and mask logit exactly zero).
    static func trunk(random: Bool = true) throws -> IFNet { try IFNet(tensors: RIFETests.randomTensors(random: random)) }

    static var temporaryPath: String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fenet2-\(UUID().uuidString).safetensors").path
    }

    // MARK: - Forward

    @Test func forwardShapesAndFinitenessWithAConstructedTrunk() throws {
        let net = try FENet(config: Self.config, seed: 3, trunk: try Self.trunk())
        #expect(net.flowNet == nil)
        #expect(!net.parameters.contains { $0.name.hasPrefix("flow_net") })
        #expect(net.parameterCount == Self.config.parameterCount)
        let b = try FENetTests.batch(size: 64, n: 2, seed: 4)
        let tape = Tape()
        let c: (Tensor) -> Variable = { tape.input($0) }
        let s = try net.gap(left: c(b.left), right: c(b.right), constant: c)
        // Net resolution 1/2 of 64² (the tiny config's scale); RIFE ran at 32² and its flows were resized to 32².
        #expect(s.flowLR.shape == [2, 2, 32, 32] && s.flowRL.shape == [2, 2, 32, 32])
        #expect(!s.flowLR.requiresGrad && !s.flowRL.requiresGrad)
        let out = try net.synthesize(s, v: b.v, audioL: b.audioL, audioT: b.audioT, audioR: b.audioR, present: b.present, constant: c)
        #expect(out.frame.shape == [2, 3, 64, 64] && out.flowTL.shape == [2, 2, 64, 64] && out.visibility.shape == [2, 1, 64, 64])
        #expect(out.frame.value.scalars.allSatisfy(\.isFinite) && out.flowTL.value.scalars.allSatisfy(\.isFinite))
        // The per-gap cost is RIFE's two passes at 128² for a 256² frame.
        let perGap = net.flops(size: 256).perGap
        let rife = try #require(net.trunk)
        #expect(abs(perGap - 2e9 * rife.gigaflops(height: 128, width: 128, padMultiple: IFNet.trunkPadMultiple)) < 1)
    }

    @Test func trunkFlowsAreRIFEsFlowsTowardsTheOtherFrame() throws {
        let rife = try Self.trunk()
        var g = SeededGenerator(seed: 8)
        let a = Tensor.randomUniform([1, 3, 64, 64], using: &g), b = Tensor.randomUniform([1, 3, 64, 64], using: &g)
        let flows = try rife.gapFlows(a, b, inputHeight: 64, inputWidth: 64, outHeight: 64, outWidth: 64)
        let at0 = try rife.interpolate(a, b, timestep: 0, padMultiple: IFNet.trunkPadMultiple)
        let at1 = try rife.interpolate(a, b, timestep: 1, padMultiple: IFNet.trunkPadMultiple)
        #expect(flows.lr.scalars == at0.flow.channels(2..<4).scalars)  // F_0→1
        #expect(flows.rl.scalars == at1.flow.channels(0..<2).scalars)  // F_1→0
        // Halving the output size halves the vectors (a resize of a constant field keeps it constant).
        let half = try rife.gapFlows(a, b, inputHeight: 64, inputWidth: 64, outHeight: 32, outWidth: 32)
        let mean = { (t: Tensor) in t.scalars.reduce(0, +) / Float(t.count) }
        #expect(abs(mean(half.lr) - mean(flows.lr) / 2) <= 1e-4 + 0.05 * abs(mean(flows.lr)))
        // A batch is the samples one by one.
        let ab = try Tensor(shape: [2, 3, 64, 64], scalars: a.scalars + b.scalars)
        let ba = try Tensor(shape: [2, 3, 64, 64], scalars: b.scalars + a.scalars)
        let pair = try rife.gapFlows(ab, ba, inputHeight: 64, inputWidth: 64, outHeight: 64, outWidth: 64)
        #expect(Array(pair.lr.scalars.prefix(flows.lr.count)) == flows.lr.scalars)
    }

    @Test func identicalNeighboursGiveTheNeighbour() throws {
        // With zero RIFE weights the trunk's flows are exactly zero; the fresh FE-Net's residual heads are near zero,
        // so both warps read the frame itself.
        let net = try FENet(config: Self.config, seed: 5, trunk: try Self.trunk(random: false))
        let frame = try FENetTests.picture(size: 64, dx: 0)
        let out = try FENetRestorer(name: "fenet2", net: net).restoreGap(left: frame, right: frame.moved(to: 8), slots: Array(1...7),
                                                                        context: GapContext(frameRate: FENetTests.rate))
        #expect(out.map(\.slot) == Array(1...7))
        for f in out {
            let p = try FENetTests.psnr(f.planes, frame.planes, size: 64)
            #expect(p > 40, "slot \(f.slot): \(p) dB")
        }
    }

    static let shippedPresent = RIFETests.modelPath != nil
        && FileManager.default.fileExists(atPath: FENetTests.shippedModel("fenet2"))

    @Test(.enabled(if: shippedPresent, "needs SampleData/models/fenet2.safetensors and RIFE's weights (scripts/setup.sh)"))
    func identicalNeighboursGiveTheFrameBackWithTheShippedModel() throws {
        let restorer = try FENetRestorer(name: "fenet2", modelPath: FENetTests.shippedModel("fenet2"), rifePath: try #require(RIFETests.modelPath))
        #expect(restorer.net.config.usesRIFETrunk)
        for size in [128, 256] {
            let p = try FENetTests.identityPSNR(restorer, size: size)
            #expect(p > 40, "fenet2 at \(size)²: \(p) dB between identical neighbours")
        }
    }

    // MARK: - Model files and the head start

    @Test func modelFilesHoldNoFlowNetAndStateTheTrunk() throws {
        let rife = try Self.trunk()
        let net = try FENet(config: Self.config, seed: 2, trunk: rife)
        let path = Self.temporaryPath
        defer { try? FileManager.default.removeItem(atPath: path) }
        try net.save(path: path, metadata: [:])
        let file = try SafeTensors.read(path: path)
        #expect(!file.tensors.keys.contains { $0.hasPrefix("flow_net") })
        #expect(file.metadata[FENet.configKey]?.contains("\"trunk\":\"rife\"") == true)
        let (loaded, _) = try FENet.load(file: file, path: path, trunk: rife)
        #expect(loaded.config == Self.config)
        for (k, t) in net.stateDict { #expect(loaded.stateDict[k]?.scalars == t.scalars, "\(k)") }
        // Files without a trunk keep their configuration JSON as before FE-Net v2.
        #expect(!FENetConfig().json.contains("trunk"))
    }

    @Test func missingRIFEWeightsAreTypedErrorsNamingTheSetUpStep() throws {
        let path = Self.temporaryPath
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FENet(config: Self.config, trunk: try Self.trunk(random: false)).save(path: path, metadata: [:])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-rife-\(UUID().uuidString).safetensors").path
        for attempt: () throws -> Void in [
            { _ = try FENet.load(path: path) },
            { _ = try FENet.load(path: path, rifePath: missing) },
            { _ = try FENet(config: Self.config) },
            { _ = try RestorerCatalog.make("fenet2", modelPath: path, rifePath: nil) },
            { _ = try RestorerCatalog.make("fenet2", modelPath: path, rifePath: missing) },
        ] {
            #expect {
                try attempt()
            } throws: { error in
                guard case let .invalidModel(_, reason)? = error as? RestorationError else { return false }
                return reason.contains("scripts/setup.sh")
            }
        }
    }

    @Test func headStartTakesAudioRefineAndInterFromAFlowNetFENet() throws {
        let source = try FENet(config: .tiny, seed: 11)
        let path = Self.temporaryPath
        defer { try? FileManager.default.removeItem(atPath: path) }
        try source.save(path: path, metadata: ["fenet.steps": "7"])
        let trainer = try FENetTrainer(config: Self.config, settings: FENetTrainingSettings(steps: 2, batch: 2, seed: 5),
                                       trunk: try Self.trunk())
        let meta = try trainer.loadGenerator(from: path)
        #expect(meta["fenet.steps"] == "7")
        let want = source.stateDict
        for (k, t) in trainer.generator.stateDict { #expect(want[k]?.scalars == t.scalars, "\(k) not taken from the head start") }
        // A head start of other widths is refused.
        try FENet(config: FENetConfig(), seed: 1).save(path: path, metadata: [:])
        #expect(throws: RestorationError.self) { try trainer.loadGenerator(from: path) }
    }

    @Test func trainingStepsLeaveRIFEFrozenAndStayFinite() throws {
        let rife = try Self.trunk()
        let trainer = try FENetTrainer(config: Self.config, settings: FENetTrainingSettings(steps: 3, batch: 2, warmupSteps: 1),
                                       trunk: rife)
        let b = try FENetTests.batch(size: 64, n: 2, seed: 6)
        var g = SeededGenerator(seed: 1)
        let a = Tensor.randomUniform([1, 3, 64, 64], using: &g)
        let before = try rife.interpolate(a, a, timestep: 0.5).flow.scalars
        for _ in 0..<3 {
            let losses = try trainer.trainStep(b)
            #expect(losses.total.isFinite && losses.smoothness == 0)
        }
        #expect(try rife.interpolate(a, a, timestep: 0.5).flow.scalars == before)
        #expect(try trainer.predict(b).scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    // MARK: - Catalog

    @Test func catalogListsFENet2WithAudioAndARIFETrunk() throws {
        #expect(RestorerCatalog.all.contains("fenet2") && RestorerCatalog.learned.contains("fenet2"))
        #expect(RestorerCatalog.usesAudio("fenet2") && RestorerCatalog.needsRIFE("fenet2"))
        #expect(!RestorerCatalog.needsRIFE("fenet") && !RestorerCatalog.needsRIFE("rife"))
        #expect(try RestorerCatalog.names(list: "blend,fenet2") == ["blend", "fenet2"])
        #expect(throws: RestorationError.self) { _ = try RestorerCatalog.make("fenet2", modelPath: nil) }
    }
}
