import Foundation
import Testing
import SafeOutput
import Tensor
@testable import Restoration

/// Issue 16 for FE-Net: bounded configurations, finite hyper-parameters, checkpoints that never replace a folder,
/// and a resumed training that continues bit-identically.
@Suite struct FENetSafetyTests {
    @Test("the parameter count is known from the configuration alone and equals the built network's")
    func parameterCountFromConfiguration() throws {
        for config in [FENetConfig.tiny, FENetConfig()] {
            let net = try FENet(config: config)
            #expect(config.parameterCount == net.parameterCount)
        }
        #expect(FENetConfig().parameterCount < FENetConfig.maxParameters)
    }

    @Test("a configuration at the maximum widths is refused before any weight is built")
    func hugeConfigurationRefused() {
        let huge = FENetConfig(scale: 4, flowWidths: Array(repeating: 1024, count: 5), refineWidths: Array(repeating: 1024, count: 5),
                               interWidths: Array(repeating: 1024, count: 5), audioInput: 1024, audioHidden: 1024, audioChannels: 1024)
        #expect(huge.parameterCount > FENetConfig.maxParameters)
        #expect {
            try FENet(config: huge)
        } throws: { error in
            "\(error)".contains("exceeds the limit of \(FENetConfig.maxParameters)")
        }
    }

    @Test("non-finite or out-of-range hyper-parameters are refused", arguments: [
        FENetTrainingSettings(steps: 2, learningRate: .nan), FENetTrainingSettings(steps: 2, learningRate: .infinity),
        FENetTrainingSettings(steps: 2, learningRate: 0), FENetTrainingSettings(steps: 2, adversarialWeight: .nan),
        FENetTrainingSettings(steps: 2, lambdaP: -1), FENetTrainingSettings(steps: 2, lambdaSSIM: .infinity),
        FENetTrainingSettings(steps: 2, clipNorm: .nan),
    ])
    func nonFiniteSettingsRefused(settings: FENetTrainingSettings) {
        #expect(throws: RestorationError.self) { try FENetTrainer(config: .tiny, settings: settings) }
    }

    @Test("a checkpoint aimed at an existing folder is refused and the folder is left whole")
    func checkpointIntoFolderRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-ckpt-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir + "/ckpt/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/ckpt/notes.txt"))
        let trainer = try FENetTrainer(config: .tiny, settings: FENetTrainingSettings(steps: 1))
        #expect(throws: OutputError.isFolder(dir + "/ckpt")) { try trainer.saveCheckpoint(to: dir + "/ckpt") }
        #expect(FileManager.default.contents(atPath: dir + "/ckpt/notes.txt") == Data("x".utf8))
        #expect(FileManager.default.fileExists(atPath: dir + "/ckpt/sub"))
    }

    @Test("checkpoint, load into a fresh trainer and continue: bit-identical to an uninterrupted run (Adam and D included)")
    func resumeIsBitIdentical() throws {
        let settings = FENetTrainingSettings(steps: 4, batch: 2, warmupSteps: 1, seed: 3)
        let batches = try (0..<4).map { try FENetTests.batch(size: 16, n: 2, seed: UInt64(10 + $0)) }
        let straight = try FENetTrainer(config: .tiny, settings: settings)
        for b in batches { try straight.trainStep(b) }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-resume-\(UUID()).ckpt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try FENetTrainer(config: .tiny, settings: settings)
        for b in batches.prefix(2) { try first.trainStep(b) }
        try first.saveCheckpoint(to: path)
        let resumed = try FENetTrainer(config: .tiny, settings: settings)
        try resumed.loadCheckpoint(from: path)
        #expect(resumed.step == 2)
        for b in batches.suffix(2) { try resumed.trainStep(b) }

        let a = straight.generator.stateDict.merging(straight.discriminator.stateDict) { x, _ in x }
        let b = resumed.generator.stateDict.merging(resumed.discriminator.stateDict) { x, _ in x }
        #expect(Set(a.keys) == Set(b.keys))
        for (k, t) in a { #expect(b[k]?.scalars == t.scalars, "\(k) differs after resuming") }
    }

    @Test("the sampler's generator state continues its sequence exactly (what train-restore checkpoints)")
    func generatorStateContinues() {
        var g = SeededGenerator(seed: 42)
        for _ in 0..<7 { _ = g.next() }
        var copy = SeededGenerator(seed: g.state)
        for _ in 0..<5 { #expect(copy.next() == g.next()) }
    }
}
