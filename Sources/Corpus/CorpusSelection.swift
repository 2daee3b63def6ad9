/// The part of a corpus a command works on: all of it, or one side of the person-disjoint split.
///
/// Training commands take `train`, evaluation takes `test`, so no person is both trained on and scored. The sides
/// are the project's split (`ProjectSplit`, `SampleData/corpora/split.tsv`) for every clip it lists (its excluded
/// clips are left out of every side); persons it does not know (a corpus of your own) are split by person under
/// `seed` with `fractions`, as before.
public enum CorpusSelection {
    /// The corpus at `path` (with `manifest`), restricted to `split` ("all", "train", "validation", "test"); `project`
    /// is the project split to apply (nil: every person split by `seed`).
    public static func select(path: String, manifest: String?, split: String, seed: UInt64,
                              fractions: (train: Double, validation: Double) = (0.8, 0.1),
                              project: ProjectSplit? = nil) throws(CorpusError) -> Corpus {
        let corpus = try Corpus(path: path, manifest: manifest)
        if split == "all" { return corpus }
        guard ["train", "validation", "test"].contains(split) else {
            throw .invalidSetting("unknown split '\(split)' (all, train, validation, test)")
        }
        var parts: CorpusSplit
        var others = corpus.clips
        if let known = project {
            let divided = known.divide(corpus.clips)
            parts = divided.split
            others = divided.unlisted
        } else {
            parts = CorpusSplit(train: [], validation: [], test: [])
        }
        if !others.isEmpty {
            let rest = try Corpus(root: corpus.root, clips: others)
                .split(SplitSettings(trainFraction: fractions.train, validationFraction: fractions.validation, seed: seed))
            parts.train += rest.train
            parts.validation += rest.validation
            parts.test += rest.test
        }
        let clips = switch split {
        case "train": parts.train
        case "validation": parts.validation
        default: parts.test
        }
        guard !clips.isEmpty else { throw .emptyCorpus("\(path) (the \(split) split under seed \(seed) has no clips)") }
        return try Corpus(root: corpus.root, clips: clips, skipped: corpus.skipped)
    }
}
