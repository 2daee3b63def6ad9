import Testing
@testable import Alignment
@testable import Tensor

/// Table III's other objectives train the same encoders: each step is finite, deterministic for a seed, and moves
/// the parameters it should (the losses' gradients are checked in TensorTests/MatchingLossGradientTests).
@Suite struct AliNetObjectiveTests {
    static func run(_ objective: AliNetObjective, steps: Int = 3) throws -> (losses: [Float], net: AliNet, trainer: AliNetTrainer) {
        let clips = try (1...2).map { try AliNetTests.syntheticClip(count: 40, seed: $0) }
        let net = try AliNet(configuration: AliNetTests.config, seed: 5)
        let trainer = AliNetTrainer(network: net, learningRate: 1e-3, seed: 9)
        trainer.objective = objective
        trainer.multiwayCandidates = 5
        var losses: [Float] = []
        for _ in 0..<steps { losses.append(try trainer.step(clips: clips, batchSize: 8).loss) }
        return (losses, net, trainer)
    }

    @Test(arguments: AliNetObjective.allCases)
    func stepsAreFiniteAndDeterministic(_ objective: AliNetObjective) throws {
        let a = try Self.run(objective), b = try Self.run(objective)
        #expect(a.losses.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(a.losses == b.losses)
        let before = try AliNet(configuration: AliNetTests.config, seed: 5).stateDict
        let moved = a.net.stateDict.contains { name, t in t.scalars != before[name]?.scalars }
        #expect(moved, "\(objective): no parameter changed")
    }

    @Test func correspondenceHeadLearnsOnlyUnderAVENet() throws {
        let start = AliNetObjective.initialHead.scalars
        #expect(try Self.run(.avenet).trainer.correspondenceHead.value.scalars != start)
        #expect(try Self.run(.triplet).trainer.correspondenceHead.value.scalars == start)
    }

    @Test func multiwayWithOneCandidateHasNothingToLearn() throws {
        let clips = [try AliNetTests.syntheticClip(count: 30, seed: 3)]
        let trainer = AliNetTrainer(network: try AliNet(configuration: AliNetTests.config, seed: 5), seed: 9)
        trainer.objective = .multiway
        trainer.multiwayCandidates = 1
        #expect(abs(try trainer.step(clips: clips, batchSize: 4).loss) < 1e-6)
    }
}
