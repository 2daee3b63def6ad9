import Corpus
import Pipeline

extension CorpusSelection {
    /// `select` with the project split of this process's checkout (found by `ModelLocator.forProcess()`): the sides
    /// of `SampleData/corpora/split.tsv` for the clips it lists, the seeded person split for any others.
    ///
    /// When no checkout is found (a binary copied elsewhere and run outside one), every person is split by `seed` —
    /// not the project's split, so test persons may land in training — and one line on standard error says so,
    /// naming where the file was looked for.
    static func selectForProcess(path: String, manifest: String?, split: String, seed: UInt64) throws -> Corpus {
        guard split != "all" else { return try select(path: path, manifest: manifest, split: split, seed: seed, project: nil) }
        let locator = ModelLocator.forProcess()
        let project = try locator.projectSplit()
        if project == nil {
            Notice.once("note: no \(ProjectSplit.shippedPath) found beside " + locator.searchFolders.joined(separator: ", ")
                + "; --split uses the seeded person split (seed \(seed)), not the project split (run from a checkout, or set DROPFILL_MODELS to its SampleData/models)")
        }
        return try select(path: path, manifest: manifest, split: split, seed: seed, project: project)
    }
}
