import Corpus
import Foundation

extension ModelLocator {
    /// The project split file (`SampleData/corpora/split.tsv`) of the first checkout among the search folders that
    /// has one: each search folder `…/SampleData/models` has it at `…/SampleData/corpora/split.tsv`.
    public func projectSplitPath() -> String? {
        let name = URL(fileURLWithPath: ProjectSplit.shippedPath).lastPathComponent
        return searchFolders.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("corpora").appendingPathComponent(name).path
        }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The project split, read from `projectSplitPath()`; nil when no checkout holds one.
    public func projectSplit() throws(CorpusError) -> ProjectSplit? {
        guard let path = projectSplitPath() else { return nil }
        return try ProjectSplit(path: path)
    }
}
