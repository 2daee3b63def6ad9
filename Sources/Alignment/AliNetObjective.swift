import Tensor

/// What Ali-Net's encoders are trained to do (Table III's rows): all three see the same samples — a frame's mouth
/// crop, its own slot's audio segment, and negatives from the same clip (a shuffled slot and a hard one a few slots
/// away) — and all give embeddings whose Euclidean distances fill D (Eq. 8) for the same retrieval.
public enum AliNetObjective: String, Sendable, Codable, CaseIterable {
    /// The paper's triplet loss (Eq. 6): the own slot closer than each negative by the margin.
    case triplet
    /// AVE-Net-style correspondence: a logistic on the distance says whether a (mouth, audio) pair matches; matching
    /// and non-matching pairs weigh half each (`Variable.correspondenceLoss`).
    case avenet
    /// Multi-way matching: a softmax over `multiwayCandidates` audio segments picks the frame's own
    /// (`Variable.multiwayMatchingLoss`).
    case multiway

    /// The correspondence head's start [w, b] = [−1, 1]: a pair is "matching" while its distance is below 1, the
    /// triplet margin's scale.
    static var initialHead: Tensor {
        var t = Tensor(shape: [2], repeating: 1)
        t[flat: 0] = -1
        return t
    }
}

extension AliNetTrainer {
    /// AVE-Net's loss on one batch: ½ · BCE on the matching pairs + ½ · the non-matching pairs' BCE, the hard
    /// negatives weighted by `hardNegativeWeight` against the shuffled ones.
    func correspondenceLoss(tape: Tape, anchor: Variable, positive: Variable, negatives: [Variable]) -> Variable {
        if headOptimizer == nil {
            headOptimizer = Adam(parameters: [correspondenceHead], learningRate: optimizer.learningRate)
        }
        let head = tape.variable(correspondenceHead)
        let n = anchor.shape[0]
        let matching = Variable.correspondenceLoss(video: anchor, audio: positive, head: head, labels: [Float](repeating: 1, count: n))
        let weights = negatives.indices.map { $0 == 0 ? Float(1) : hardNegativeWeight }
        let total = max(weights.reduce(0, +), 1e-6)
        var loss = matching * 0.5
        for (negative, weight) in zip(negatives, weights) where weight > 0 {
            let part = Variable.correspondenceLoss(video: anchor, audio: negative, head: head, labels: [Float](repeating: 0, count: n))
            loss = loss + part * (0.5 * weight / total)
        }
        return loss
    }

    /// One Adam step of the correspondence head (after the encoders' step, whose `backward` filled its gradient).
    func updateCorrespondenceHead() {
        headOptimizer?.update()
        headOptimizer?.zeroGrad()
    }
}
