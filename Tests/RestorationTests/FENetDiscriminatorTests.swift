import Foundation
import Tensor
import Testing
@testable import Restoration

/// FE-Net's discriminator (Eq. 20) can learn: it tells sharp frames from blended ones within a few dozen steps.
@Suite struct FENetDiscriminatorTests {
    @Test func learnsToTellSharpFromBlended() throws {
        let size = 32, n = 8
        let d = FENetDiscriminator(audioInput: 65, seed: 3)
        let adam = Adam(parameters: d.parameters, learningRate: 1e-3, beta1: 0.5, beta2: 0.999)
        var g = SeededGenerator(seed: 5)
        func batch() throws -> (real: Tensor, fake: Tensor, audio: Tensor) {
            var real: [Float] = [], fake: [Float] = []
            for _ in 0..<n {
                let dx = Float.random(in: 0...8, using: &g)
                let a = try FENetTests.picture(size: size, dx: dx).planes
                let b = try FENetTests.picture(size: size, dx: dx + 4).planes
                let c = try FENetTests.picture(size: size, dx: dx + 2).planes
                real += c
                fake += zip(a, b).map { 0.5 * ($0 + $1) }
            }
            let audio = (0..<(n * 65)).map { _ in Float.random(in: -1...1, using: &g) }
            return (try Tensor(shape: [n, 3, size, size], scalars: real), try Tensor(shape: [n, 3, size, size], scalars: fake),
                    try Tensor(shape: [n, 65], scalars: audio))
        }
        var losses: [Float] = []
        for _ in 0..<60 {
            let (r, f, a) = try batch()
            let t = Tape()
            let c: (Tensor) -> Variable = { t.input($0) }
            let audio = t.input(a)
            let lr = try d(frame: t.input(r), audio: audio, constant: c)
            let lf = try d(frame: t.input(f), audio: audio, constant: c)
            let loss = lr.bceWithLogitsLoss(c(Tensor(shape: lr.shape, repeating: 1))) + lf.bceWithLogitsLoss(c(Tensor(zeros: lf.shape)))
            losses.append(loss.value.scalar)
            t.backward(loss)
            adam.update()
            d.zeroGrad()
        }
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        print("discriminator loss \(first) -> \(last)")
        #expect(last < 0.8 * first, "discriminator loss \(first) → \(last) over 60 steps")
    }
}
