import Features
import Foundation
import Media
import Metrics
import Tensor
import Testing
@testable import Restoration

/// FE-Net: the generator's backward pass, model files, restoring, the catalog, and a tiny training run.
@Suite struct FENetTests {
    static let rate = Rational(25, 1)
    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// A smooth textured picture of `size`² whose pattern is shifted right by `dx` pixels.
    static func picture(size: Int, dx: Float, slot: Int = 0) throws -> SlotFrame {
        var planes = [Float](repeating: 0, count: 3 * size * size)
        for c in 0..<3 {
            for y in 0..<size {
                for x in 0..<size {
                    let u = Float(x) - dx, v = Float(y)
                    planes[(c * size + y) * size + x] = 0.5 + 0.2 * sin(u * 0.35 + Float(c)) + 0.2 * cos(v * 0.27 + 0.5 * Float(c))
                }
            }
        }
        return try SlotFrame(slot: slot, width: size, height: size, planes: planes)
    }

    static func batch(size: Int, n: Int, seed: UInt64) throws -> FENetBatch {
        var g = SeededGenerator(seed: seed)
        let samples = try (0..<n).map { i -> FENetSample in
            let shift = Float.random(in: 1...3, using: &g)
            let v = Float(i + 1) / Float(n + 1)
            return FENetSample(left: try picture(size: size, dx: 0).planes, right: try picture(size: size, dx: shift).planes,
                               target: try picture(size: size, dx: shift * v).planes, v: v,
                               audioL: (0..<65).map { _ in Float.random(in: -1...1, using: &g) },
                               audioT: (0..<65).map { _ in Float.random(in: -1...1, using: &g) },
                               audioR: (0..<65).map { _ in Float.random(in: -1...1, using: &g) }, audioPresent: i % 2 == 0 ? 1 : 0)
        }
        return try FENetBatch(samples, width: size, height: size)
    }

    static func psnr(_ a: [Float], _ b: [Float], size: Int) throws -> Double {
        try PSNR.compute(PlanarImage(width: size, height: size, pixels: a), PlanarImage(width: size, height: size, pixels: b), cap: 100)
    }

    // MARK: - Gradients

    /// The composite backward (U-Nets, Super-SloMo flows, warps, resizes, blend of Eqs. 13–14, audio_net) against
    /// central finite differences, for parameters of every sub-network.
    @Test func compositeBackwardMatchesFiniteDifferences() throws {
        let net = try FENet(config: .tiny, seed: 3)
        // Make the residual heads matter, so gradients through refine_net and inter_net are not vanishingly small.
        for p in net.parameters where p.name.hasSuffix("head.weight") { p.value = p.value.affine(scale: 20) }
        let b = try Self.batch(size: 16, n: 2, seed: 4)
        func loss(_ tape: Tape) throws -> Variable {
            let s = try net.gap(left: tape.input(b.left), right: tape.input(b.right), constant: { tape.input($0) })
            let out = try net.synthesize(s, v: b.v, audioL: b.audioL, audioT: b.audioT, audioR: b.audioR, present: b.present,
                                         constant: { tape.input($0) })
            return out.frame.mseLoss(tape.input(b.target)) * 1000
        }
        net.zeroGrad()
        let tape = Tape()
        tape.backward(try loss(tape))
        let names = ["flow_net.enc0.0.weight", "refine_net.head.weight", "inter_net.enc1.1.weight", "inter_net.head.bias",
                     "audio_net.1.weight", "flow_net.dec0.bias"]
        for name in names {
            let p = try #require(net.parameters.first { $0.name == name })
            let grad = p.grad
            // Directional derivative along the gradient: (f(θ + εg) − f(θ − εg)) / 2ε ≈ |g|².
            let norm2 = Double(grad.norm() * grad.norm())
            #expect(norm2 > 0, "\(name) gets no gradient")
            let eps: Float = 1e-3 / max(grad.norm(), 1e-6)
            let original = p.value
            p.value = original + grad * eps
            let plus = Double(try loss(Tape()).value.scalar)
            p.value = original + grad * (-eps)
            let minus = Double(try loss(Tape()).value.scalar)
            p.value = original
            let numeric = (plus - minus) / (2 * Double(eps))
            #expect(abs(numeric - norm2) <= 0.05 * norm2 + 1e-4, "\(name): analytic \(norm2), numeric \(numeric)")
        }
    }

    // MARK: - Model files

    @Test func trainedModelRoundTripsBitExactly() throws {
        let trainer = try FENetTrainer(config: .tiny, settings: FENetTrainingSettings(steps: 3, batch: 2, warmupSteps: 1))
        let b = try Self.batch(size: 16, n: 2, seed: 5)
        for _ in 0..<3 { try trainer.trainStep(b) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-roundtrip-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.generator.save(path: path, metadata: ["note": "test"])
        let (loaded, meta) = try FENet.load(path: path)
        #expect(meta["note"] == "test")
        #expect(meta[FENet.configKey] == FENetConfig.tiny.json)
        let a = trainer.generator.stateDict, c = loaded.stateDict
        #expect(Set(a.keys) == Set(c.keys))
        for (k, t) in a { #expect(c[k]?.scalars == t.scalars, "\(k) differs after the round trip") }
        let left = try Self.picture(size: 16, dx: 0, slot: 0), right = try Self.picture(size: 16, dx: 2, slot: 4)
        let context = GapContext(frameRate: Self.rate)
        let x = try FENetRestorer(net: trainer.generator).restoreGap(left: left, right: right, slots: [1, 2, 3], context: context)
        let y = try FENetRestorer(net: loaded).restoreGap(left: left, right: right, slots: [1, 2, 3], context: context)
        #expect(x == y)
    }

    @Test func wrongModelFilesAreTypedErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-bad-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Tensors of the tiny architecture under metadata claiming the default one.
        let tiny = try FENet(config: .tiny)
        let mislabeled = dir.appendingPathComponent("mislabeled.safetensors").path
        try SafeTensors.write(tensors: tiny.stateDict, metadata: [FENet.kindKey: "fenet-generator", FENet.configKey: FENetConfig().json],
                              to: mislabeled)
        // A safetensors file that is not an FE-Net model.
        let other = dir.appendingPathComponent("other.safetensors").path
        try SafeTensors.write(tensors: ["w": Tensor(zeros: [2])], metadata: [:], to: other)
        // Not a safetensors file at all.
        let garbage = dir.appendingPathComponent("garbage.safetensors").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: garbage))
        for path in [mislabeled, other, garbage, dir.appendingPathComponent("missing.safetensors").path] {
            #expect {
                _ = try FENet.load(path: path)
            } throws: { error in
                guard case let .invalidModel(p, _)? = error as? RestorationError else { return false }
                return p == path
            }
        }
        #expect(throws: RestorationError.self) { _ = try RestorerCatalog.make("fenet", modelPath: garbage) }
    }

    // MARK: - Restoring

    @Test func nonIncreasingPositionsAreTypedErrors() throws {
        let restorer = FENetRestorer(net: try FENet(config: .tiny))
        let left = try Self.picture(size: 16, dx: 0, slot: 5), right = try Self.picture(size: 16, dx: 1, slot: 9)
        let context = GapContext(frameRate: Self.rate)
        #expect(throws: RestorationError.positionsNotIncreasing([5, 7, 6, 9])) {
            _ = try restorer.restoreGap(left: left, right: right, slots: [7, 6], context: context)
        }
        #expect(throws: RestorationError.positionsNotIncreasing([5, 9, 9])) {
            _ = try restorer.restoreGap(left: left, right: right, slots: [9], context: context)
        }
    }

    @Test func audioIsOptionalAndMustFit() throws {
        let net = try FENet(config: .tiny)
        let left = try Self.picture(size: 16, dx: 0, slot: 0), right = try Self.picture(size: 16, dx: 2, slot: 3)
        let none = try FENetRestorer(net: net).restoreGap(left: left, right: right, slots: [1, 2], context: GapContext(frameRate: Self.rate))
        #expect(none.map(\.slot) == [1, 2])
        let audio = try FeatureMatrix(rows: 4, columns: 65, values: (0..<260).map { Float($0 % 13) }, step: 0.04, firstCentre: 0.02, duration: 0.16)
        let with = try FENetRestorer(net: net).restoreGap(left: left, right: right, slots: [1, 2],
                                                          context: GapContext(frameRate: Self.rate, slotFeatures: audio))
        #expect(with.count == 2)
        let wrong = try FeatureMatrix(rows: 4, columns: 26, values: [Float](repeating: 0, count: 104), step: 0.04, firstCentre: 0.02, duration: 0.16)
        #expect(throws: RestorationError.self) {
            _ = try FENetRestorer(net: net).restoreGap(left: left, right: right, slots: [1], context: GapContext(frameRate: Self.rate, slotFeatures: wrong))
        }
        // Ignoring audio (fenet-noaudio) gives the same frames as having none.
        let ignored = try FENetRestorer(name: "fenet-noaudio", net: net, useAudio: false)
            .restoreGap(left: left, right: right, slots: [1, 2], context: GapContext(frameRate: Self.rate, slotFeatures: audio))
        #expect(ignored.map(\.planes) == none.map(\.planes))
    }

    /// A real frame (GRID, centre crop) of `size`².
    static func realFrame(size: Int) throws -> SlotFrame {
        let path = repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
        let decoder = try VideoDecoder(path: path, options: DecodeOptions(crop: PixelRect(x: 72, y: 0, width: 288, height: 288),
                                                                          size: (size, size)))
        var frame: VideoFrame?
        for _ in 0..<20 { frame = try decoder.nextFrame() ?? frame }
        return SlotFrame(slot: 0, frame: try #require(frame))
    }

    static func identityPSNR(_ restorer: FENetRestorer, size: Int) throws -> Double {
        let frame = try realFrame(size: size)
        let left = frame, right = frame.moved(to: 8)
        let out = try restorer.restoreGap(left: left, right: right, slots: Array(1...7), context: GapContext(frameRate: Self.rate))
        return try out.map { try psnr($0.planes, frame.planes, size: size) }.min() ?? 0
    }

    static func shippedModel(_ name: String) -> String {
        Self.repoRoot.appendingPathComponent("SampleData/models/\(name).safetensors").path
    }
    /// The shipped FE-Net files with their own flow trunk (RIFE's weights come from set-up, not from SampleData;
    /// `fenet2`, which needs them, is checked in `FENet2Tests`).
    static let shippedFENets = RestorerCatalog.learned.filter { $0.hasPrefix("fenet") && !RestorerCatalog.needsRIFE($0) }
    static let shippedModelsPresent = ["fenet", "fenet-noaudio"].allSatisfy { FileManager.default.fileExists(atPath: shippedModel($0)) }

    @Test(.enabled(if: shippedModelsPresent, "the shipped FE-Net models are not in SampleData/models"))
    func identicalNeighboursGiveTheFrameBackWithTheShippedModels() throws {
        for name in Self.shippedFENets where FileManager.default.fileExists(atPath: Self.shippedModel(name)) {
            let path = Self.shippedModel(name)
            let restorer = try FENetRestorer(name: name, modelPath: path, useAudio: RestorerCatalog.usesAudio(name))
            for size in [128, 256] {
                let p = try Self.identityPSNR(restorer, size: size)
                #expect(p > 40, "\(name) at \(size)²: \(p) dB between identical neighbours")
            }
        }
    }

    // MARK: - Catalog

    @Test func catalogKnowsTheLearnedMethodsAndKeepsTheClassicalOnes() throws {
        #expect(RestorerCatalog.all == ["hold", "blend", "minterpolate", "fenet", "fenet-noaudio", "fenet2", "fenet-lips",
                                        "fenet-lips-noaudio", "rife"])
        #expect(RestorerCatalog.lipGuided.allSatisfy(RestorerCatalog.learned.contains))
        #expect(RestorerCatalog.usesAudio("fenet-lips") && !RestorerCatalog.usesAudio("fenet-lips-noaudio"))
        #expect(try RestorerCatalog.names(list: "hold, blend,minterpolate,hold") == ["hold", "blend", "minterpolate"])
        #expect(throws: RestorationError.self) { _ = try RestorerCatalog.names(list: "hold,nosuch") }
        #expect(try RestorerCatalog.make("blend", modelPath: nil).name == "blend")
        #expect(throws: RestorationError.self) { _ = try RestorerCatalog.make("fenet", modelPath: nil) }
        #expect(throws: RestorationError.self) { _ = try RestorerCatalog.make("fenet", modelPath: "/nonexistent/fenet.safetensors") }
        // A model file given directly serves either name.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-cat-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FENet(config: .tiny).save(path: path, metadata: [:])
        #expect(try RestorerCatalog.make("fenet-noaudio", modelPath: path).name == "fenet-noaudio")
    }

    // MARK: - Training

    @Test func gapLengthsFollowTheDropProcess() {
        let sampler = FENetGapSampler()
        var g = SeededGenerator(seed: 9)
        let xs = (0..<4000).map { _ in sampler.gapLength(using: &g) }
        #expect(xs.allSatisfy { (1...15).contains($0) })
        // P(x) ∝ 0.87^x on 1…15: mean ≈ 5.4, P(1)/P(2) = 1/0.87.
        let mean = Double(xs.reduce(0, +)) / Double(xs.count)
        #expect(abs(mean - 5.43) < 0.25, "mean gap \(mean)")
        let ones = xs.filter { $0 == 1 }.count, twos = xs.filter { $0 == 2 }.count
        #expect(Double(ones) > Double(twos))
    }

    @Test func frameWeightedGapsFollowTheMissingFrames() {
        // A missing frame drawn uniformly from the drop process sits in a gap of x frames with P ∝ x·0.87^x.
        var sampler = FENetGapSampler(maxGap: 40)
        sampler.weighting = .frames
        var g = SeededGenerator(seed: 9)
        let xs = (0..<6000).map { _ in sampler.gapLength(using: &g) }
        #expect(xs.allSatisfy { (1...40).contains($0) })
        let weights = (1...40).map { Double($0) * pow(0.87, Double($0)) }
        let expected = zip(1...40, weights).map { Double($0) * $1 }.reduce(0, +) / weights.reduce(0, +)
        let mean = Double(xs.reduce(0, +)) / Double(xs.count)
        #expect(abs(mean - expected) < 0.4, "mean gap \(mean), expected \(expected)")
        // P(2)/P(1) = 2·0.87 > 1: unlike the gap weighting, two-frame gaps outnumber one-frame gaps.
        #expect(xs.filter { $0 == 2 }.count > xs.filter { $0 == 1 }.count)
        #expect(xs.filter { $0 > 15 }.count > 1000, "about 37% of missing frames lie in gaps longer than 15")
    }

    @Test func fineTuningStartsFromATrainedGeneratorOfTheSameArchitecture() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-from-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try FENet(config: .tiny, seed: 11)
        let path = dir.appendingPathComponent("tiny.safetensors").path
        try source.save(path: path, metadata: ["fenet.steps": "7"])
        let trainer = try FENetTrainer(config: .tiny, settings: FENetTrainingSettings(steps: 1, seed: 5))
        func scalars(_ net: FENet) -> [String: [Float]] { net.stateDict.mapValues(\.scalars) }
        #expect(scalars(trainer.generator) != scalars(source))
        let meta = try trainer.loadGenerator(from: path)
        #expect(meta["fenet.steps"] == "7")
        #expect(scalars(trainer.generator) == scalars(source))
        // A generator of another width is refused with a typed error, and so is a file that is not a generator.
        let other = try FENetTrainer(settings: FENetTrainingSettings(steps: 1))
        #expect(throws: RestorationError.self) { try other.loadGenerator(from: path) }
        let junk = dir.appendingPathComponent("junk.safetensors").path
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: junk))
        #expect(throws: RestorationError.self) { try trainer.loadGenerator(from: junk) }
    }

    @Test func aTinyTrainingRunLowersTheLoss() throws {
        // A synthetic 32×32 clip whose pattern moves 0.7 px per frame.
        let frames = try (0..<12).map { i in try Self.picture(size: 32, dx: 0.7 * Float(i), slot: i) }
            .map { try $0.videoFrame() }
        let clip = try FENetTrainingClip(name: "synthetic", frames: frames, audio: nil)
        let settings = FENetTrainingSettings(steps: 40, batch: 4, learningRate: 2e-3, warmupSteps: 30, seed: 2)
        let trainer = try FENetTrainer(config: .tiny, settings: settings)
        var g = SeededGenerator(seed: 7)
        var sampler = FENetGapSampler(maxGap: 6, staticFraction: 0)
        sampler.flip = false
        let fixed = try FENetBatch((0..<8).map { _ in sampler.sample([clip], using: &g) }, width: 32, height: 32)
        func fixedLoss() throws -> Float {
            let p = try trainer.predict(fixed)
            return (p - fixed.target).map(abs).mean()
        }
        let before = try fixedLoss()
        for _ in 0..<40 {
            try trainer.trainStep(try FENetBatch((0..<4).map { _ in sampler.sample([clip], using: &g) }, width: 32, height: 32))
        }
        let after = try fixedLoss()
        // A margin, not a measurement: over the BLAS kernels Haswell, SkylakeX, Sandybridge and Prescott the 40 steps
        // end at 0.41 of the first loss; the claim is only that training lowers it.
        #expect(after < before * 0.9, "L1 on a fixed batch: \(before) before, \(after) after 40 steps")
        // Checkpoints resume at the same step with the same weights.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-ckpt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trainer.saveCheckpoint(to: path)
        let resumed = try FENetTrainer(config: .tiny, settings: settings)
        try resumed.loadCheckpoint(from: path)
        #expect(resumed.step == 40)
        #expect(try resumed.predict(fixed).scalars == trainer.predict(fixed).scalars)
    }
}
