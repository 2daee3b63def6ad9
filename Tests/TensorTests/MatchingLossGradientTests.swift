import Foundation
import Testing
@testable import Tensor

/// The matching losses of Ali-Net's other objectives (AVE-Net correspondence, multi-way matching): tape gradients
/// against central finite differences, and their values against the formulas written out.
@Suite struct MatchingLossGradientTests {
    private func expectClean(_ report: Support.GradientReport, _ what: String) {
        #expect(report.checked > 0, "\(what): nothing was checked")
        #expect(report.failures.isEmpty, "\(what): \(report.failures.prefix(5))")
    }

    @Test func correspondenceGradients() throws {
        let v = Support.random([5, 4], seed: 11), a = Support.random([5, 4], seed: 12)
        let head = try Tensor(shape: [2], scalars: [-1.3, 0.7])
        let labels: [Float] = [1, 0, 1, 0, 0]
        expectClean(try Support.checkGradients([v, a, head]) {
            Variable.correspondenceLoss(video: $0[0], audio: $0[1], head: $0[2], labels: labels)
        }, "correspondenceLoss")
    }

    @Test func correspondenceValue() throws {
        let tape = Tape()
        let v = tape.input(try Tensor(shape: [2, 2], scalars: [0, 0, 1, 1]))
        let a = tape.input(try Tensor(shape: [2, 2], scalars: [3, 4, 1, 1]))
        let loss = Variable.correspondenceLoss(video: v, audio: a, head: tape.input(try Tensor(shape: [2], scalars: [-1, 2])), labels: [0, 1])
        // d = (5, 0) → z = (−3, 2); BCE = (log(1 + e^−3), log(1 + e^−2)) for labels (0, 1).
        let expected = (log(1 + exp(-3.0)) + log(1 + exp(-2.0))) / 2
        #expect(abs(Double(loss.value.scalar) - expected) < 1e-5)
    }

    @Test(arguments: [1, 3])
    func multiwayGradients(_ k: Int) throws {
        let anchor = Support.random([3, 4], seed: 13), candidates = Support.random([3 * k, 4], seed: 14)
        expectClean(try Support.checkGradients([anchor, candidates]) {
            Variable.multiwayMatchingLoss(anchor: $0[0], candidates: $0[1], temperature: 0.7)
        }, "multiwayMatchingLoss K=\(k)")
    }

    @Test func multiwayValue() throws {
        let tape = Tape()
        let anchor = tape.input(try Tensor(shape: [1, 2], scalars: [0, 0]))
        let candidates = tape.input(try Tensor(shape: [3, 2], scalars: [1, 0, 0, 2, 3, 4]))
        let loss = Variable.multiwayMatchingLoss(anchor: anchor, candidates: candidates, temperature: 2)
        // d = (1, 2, 5), logits −d/2: loss = 0.5 + log(e^−0.5 + e^−1 + e^−2.5).
        let expected = 0.5 + log(exp(-0.5) + exp(-1.0) + exp(-2.5))
        #expect(abs(Double(loss.value.scalar) - expected) < 1e-5)
        // One candidate: the true match is certain, the loss is 0.
        let single = Variable.multiwayMatchingLoss(anchor: anchor, candidates: tape.input(try Tensor(shape: [1, 2], scalars: [5, 5])))
        #expect(abs(single.value.scalar) < 1e-6)
    }
}
