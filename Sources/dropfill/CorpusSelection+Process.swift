import Corpus
import Pipeline

extension CorpusSelection {
    /// `select` with the project split of this process's checkout (found by `ModelLocator.forProcess()`): the sides
    /// of `SampleData/corpora/split.tsv` for the clips it lists, the seeded person split for any others.
    static func selectForProcess(path: String, manifest: String?, split: String, seed: UInt64) throws -> Corpus {
        let project = split == "all" ? nil : try ModelLocator.forProcess().projectSplit()
        return try select(path: path, manifest: manifest, split: split, seed: seed, project: project)
    }
}
