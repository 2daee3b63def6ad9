/// The part of a corpus a command works on: all of it, or one side of the person-disjoint split.
///
/// Training commands take `train`, evaluation takes `test`, with the same seed, so no person is both trained on and
/// scored.
public enum CorpusSelection {
    /// The corpus at `path` (with `manifest`), restricted to `split` ("all", "train", "validation", "test") under `seed`.
    public static func select(path: String, manifest: String?, split: String, seed: UInt64,
                              fractions: (train: Double, validation: Double) = (0.8, 0.1)) throws(CorpusError) -> Corpus {
        let corpus = try Corpus(path: path, manifest: manifest)
        if split == "all" { return corpus }
        let parts = try corpus.split(SplitSettings(trainFraction: fractions.train, validationFraction: fractions.validation, seed: seed))
        let clips: [Clip]
        switch split {
        case "train": clips = parts.train
        case "validation": clips = parts.validation
        case "test": clips = parts.test
        default: throw .invalidSetting("unknown split '\(split)' (all, train, validation, test)")
        }
        guard !clips.isEmpty else { throw .emptyCorpus("\(path) (the \(split) split under seed \(seed) has no clips)") }
        return try Corpus(root: corpus.root, clips: clips, skipped: corpus.skipped)
    }
}
