import Tensor

/// One trial in a rater's order.
public struct PlannedTrial: Sendable, Hashable {
    /// 0-based place in the order (training trials first).
    public var position: Int
    public var stimulus: Stimulus
    /// A training trial: shown and scored, stored, and left out of every result.
    public var training: Bool

    public init(position: Int, stimulus: Stimulus, training: Bool) {
        self.position = position
        self.stimulus = stimulus
        self.training = training
    }
}

/// A rater's order: `training` trials, then every stimulus once, shuffled by the rater's seed (Fisher–Yates on
/// the project's SplitMix64 `SeededGenerator`). The order is stored, so it never depends on this code again.
public enum TrialPlan {
    public static func order(study: Study, seed: UInt64) -> [PlannedTrial] {
        let stimuli = study.stimuli
        var rng = SeededGenerator(seed: seed)
        let main = shuffled(stimuli, &rng)
        // Training trials: distinct stimuli drawn from a second shuffle (so they do not simply preview the first trials).
        var trainingRNG = SeededGenerator(seed: seed ^ 0x7472_6169_6E69_6E67)
        let training = Array(shuffled(stimuli, &trainingRNG).prefix(min(study.training, stimuli.count)))
        var out: [PlannedTrial] = []
        for s in training { out.append(PlannedTrial(position: out.count, stimulus: s, training: true)) }
        for s in main { out.append(PlannedTrial(position: out.count, stimulus: s, training: false)) }
        return out
    }

    static func shuffled<T>(_ a: [T], _ rng: inout SeededGenerator) -> [T] {
        var v = a
        guard v.count > 1 else { return v }
        for i in stride(from: v.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            v.swapAt(i, j)
        }
        return v
    }
}
