import Foundation
import Testing
@testable import Tensor

/// Optimisation end to end: Adam's update rule, clipping, batch-norm statistics, checkpoints with resume,
/// and a tiny network that learns a known function.
@Suite struct TrainingTests {
    /// Two convolutions learning a fixed 3×3 blur.
    final class BlurNet: Module {
        let c1: Conv2d, c2: Conv2d
        var parameters: [Parameter] { c1.parameters + c2.parameters }
        init(seed: UInt64) {
            var g = SeededGenerator(seed: seed)
            c1 = Conv2d(name: "c1", inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, std: 0.2, generator: &g)
            c2 = Conv2d(name: "c2", inChannels: 4, outChannels: 1, kernelSize: 3, padding: 1, std: 0.2, generator: &g)
        }
        func callAsFunction(_ x: Variable) throws -> Variable { try c2(c1(x).leakyReLU(0.1)) }
        func callAsFunction(_ x: Tensor) throws -> Tensor { try c2(c1(x).leakyReLU(0.1)) }
    }

    static let blur = try! Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 1, 2, 4, 2, 1, 2, 1].map { $0 / 16 })

    @Test func tinyNetworkLearnsABlur() throws {
        let x = Support.random([8, 1, 12, 12], seed: 1)
        let target = try x.conv2d(weight: Self.blur, options: .init(padding: 1))
        let net = BlurNet(seed: 2)
        let adam = Adam(parameters: net.parameters, learningRate: 0.01)
        let losses = try TrainingLoop(steps: 300, logEvery: 0).run(model: net, optimizer: adam) { _, tape in
            try net(tape.input(x)).mseLoss(tape.input(target))
        }
        let first = try #require(losses.first), last = try #require(losses.last)
        #expect(last < first / 100, "loss \(first) → \(last)")
        // Inference (no tape) gives the trained function too.
        let inferred = try net(x)
        #expect(inferred.maxAbsDifference(target) < 0.05)
    }

    @Test func adamFollowsTheUpdateRule() {
        let p = Parameter(name: "w", value: Tensor(shape: [1], repeating: 1))
        let adam = Adam(parameters: [p], learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.5)
        var w = 1.0, m = 0.0, v = 0.0
        for (t, grad) in [0.3, -0.7, 0.2].enumerated() {
            p.grad = Tensor(shape: [1], repeating: Float(grad))
            adam.update()
            let g = grad + 0.5 * w
            m = 0.9 * m + 0.1 * g
            v = 0.99 * v + 0.01 * g * g
            let mh = m / (1 - pow(0.9, Double(t + 1))), vh = v / (1 - pow(0.99, Double(t + 1)))
            w -= 0.1 * mh / (vh.squareRoot() + 1e-8)
        }
        #expect(abs(Double(p.value.scalar) - w) < 1e-5)
        #expect(adam.step == 3)
    }

    @Test func clippingBoundsTheJointNorm() {
        let a = Parameter(name: "a", value: Tensor(zeros: [2])), b = Parameter(name: "b", value: Tensor(zeros: [1]))
        a.grad = try! Tensor(shape: [2], scalars: [3, 0])
        b.grad = try! Tensor(shape: [1], scalars: [4])
        let before = GradientClipping.clipNorm([a, b], maxNorm: 1)
        #expect(abs(before - 5) < 1e-6)
        #expect(abs(a.grad[0] - 0.6) < 1e-6 && abs(b.grad[0] - 0.8) < 1e-6)
        #expect(abs(GradientClipping.clipNorm([a, b], maxNorm: 10) - 1) < 1e-6)
        #expect(abs(a.grad[0] - 0.6) < 1e-6)  // under the limit: unchanged
    }

    @Test func batchNormTracksRunningStatistics() throws {
        let bn = BatchNorm2d(name: "bn", channels: 2, momentum: 0.5)
        let x = Support.random([4, 2, 3, 3], seed: 3).affine(scale: 2, shift: 1)
        let tape = Tape()
        let y = bn(tape.input(x))
        // Training output is normalised per channel.
        let moments = y.value.channelMoments()
        #expect(moments.mean.allSatisfy { abs($0) < 1e-5 } && moments.variance.allSatisfy { abs($0 - 1) < 1e-3 })
        let batch = x.channelMoments()
        #expect(abs(bn.runningMean.value[0] - 0.5 * batch.mean[0]) < 1e-6)
        #expect(abs(bn.runningVar.value[1] - (0.5 + 0.5 * batch.variance[1] * 36 / 35)) < 1e-5)
        // Inference uses the running statistics, not the batch's.
        let inferred = bn(x)
        let expected = (x[0, 0, 0, 0] - bn.runningMean.value[0]) / (bn.runningVar.value[0] + 1e-5).squareRoot()
        #expect(abs(inferred[0, 0, 0, 0] - expected) < 1e-5)
        #expect(bn.parameters.filter(\.trainable).count == 2)
    }

    @Test func sharedParameterAccumulatesBothUses() throws {
        let p = Parameter(name: "s", value: Tensor(shape: [1, 1], repeating: 3))
        let tape = Tape()
        let a = tape.variable(p), b = tape.variable(p)
        #expect(a === b)
        tape.backward((a * b).sum())  // d(s²)/ds = 2s = 6
        #expect(p.grad.scalar == 6)
        #expect(tape.count == 0)
    }

    @Test func resumedTrainingMatchesUninterruptedTraining() throws {
        let x = Support.random([2, 1, 6, 6], seed: 4)
        let target = try x.conv2d(weight: Self.blur, options: .init(padding: 1))
        func train(_ net: BlurNet, _ adam: Adam, steps: Int, path: String?) throws {
            try TrainingLoop(steps: steps, checkpointPath: path, checkpointEvery: 3, logEvery: 0, clipNorm: 5)
                .run(model: net, optimizer: adam) { _, tape in try net(tape.input(x)).mseLoss(tape.input(target)) }
        }
        let straight = BlurNet(seed: 5)
        try train(straight, Adam(parameters: straight.parameters, learningRate: 0.01), steps: 10, path: nil)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UInt64.random(in: 0...UInt64.max)).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = BlurNet(seed: 5)
        try train(first, Adam(parameters: first.parameters, learningRate: 0.01), steps: 6, path: path)
        let resumed = BlurNet(seed: 99)  // different initial weights: everything must come from the checkpoint
        let adam = Adam(parameters: resumed.parameters, learningRate: 0.01)
        try train(resumed, adam, steps: 10, path: path)
        #expect(adam.step == 10)
        for (a, b) in zip(straight.parameters, resumed.parameters) {
            #expect(a.value.maxAbsDifference(b.value) < 1e-6, "\(a.name)")
        }
        let meta = try SafeTensors.read(path: path).metadata
        #expect(meta["checkpoint.step"] == "10")
    }
}
