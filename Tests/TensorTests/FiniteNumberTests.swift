import Foundation
import Testing
@testable import Tensor

/// Issue 16, non-finite numbers: model files of NaN weights are refused at load and never written, and training
/// stops at a non-finite loss with the last good checkpoint intact.
@Suite struct FiniteNumberTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("finite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("a model file holding NaN or ±∞ is refused when read", arguments: [Float.nan, .infinity, -.infinity])
    func refusesNonFiniteWeights(value: Float) throws {
        // encode() writes whatever it is given; write() and decode() are the gates.
        let data = try SafeTensors.encode(tensors: ["w": try Tensor(shape: [3], scalars: [1, value, 2])])
        #expect {
            try SafeTensors.decode(data)
        } throws: { error in
            "\(error)".contains("non-finite") && "\(error)".contains("'w'")
        }
    }

    @Test("a tensor of NaN is never written to a model file")
    func refusesToWriteNonFinite() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TensorError.self) {
            try SafeTensors.write(tensors: ["w": try Tensor(shape: [2], scalars: [.nan, 1])], to: dir + "/m.safetensors")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.safetensors"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("a non-finite loss stops the training loop; the checkpoint before it stays loadable and finite")
    func nonFiniteLossStopsTraining() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = TrainingTests.BlurNet(seed: 2)
        let x = Support.random([2, 1, 6, 6], seed: 1)
        let adam = Adam(parameters: net.parameters, learningRate: 0.01)
        let ckpt = dir + "/c.ckpt"
        let loop = TrainingLoop(steps: 10, checkpointPath: ckpt, checkpointEvery: 2, logEvery: 0)
        #expect(throws: TensorError.self) {
            try loop.run(model: net, optimizer: adam) { i, tape in
                let loss = try net(tape.input(x)).mseLoss(tape.input(x))
                return i < 5 ? loss : loss * Float.nan
            }
        }
        let restored = TrainingTests.BlurNet(seed: 9)
        let (step, _) = try Checkpoint.load(from: ckpt, model: restored, optimizer: nil)
        #expect(step == 4)
        #expect(restored.firstNonFiniteParameter == nil)
        #expect(net.firstNonFiniteParameter == nil, "the NaN step must not reach the weights")
    }
}
