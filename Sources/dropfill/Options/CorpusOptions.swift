import ArgumentParser
import Corpus

// MARK: - Split

/// A part of a corpus under the person-disjoint split (80/10/10 by person), as `--split` names it.
enum CorpusPart: String, CaseIterable, ExpressibleByArgument {
    case all, train, validation, test
}

// MARK: - Defaults

/// What a command does with a corpus: the defaults and wording `CorpusOptions` takes on in that command.
protocol CorpusRole {
    /// The part read when `--split` is not given.
    static var split: CorpusPart { get }
    /// The help of `--split` (what the command does with that part).
    static var splitHelp: String { get }
    /// Side of the square frames when `--size` is not given.
    static var size: Int { get }
    /// The help of `--size`.
    static var sizeHelp: String { get }
}

// MARK: - Options

/// The corpus options `evaluate`, `train-align` and `train-restore` share: manifest, split, split seed and frame
/// size, with the defaults of the command's `Role`.
struct CorpusOptions<Role: CorpusRole>: ParsableArguments {
    @Option(help: "Manifest TSV giving person IDs (default: manifest.tsv in the corpus folder).", completion: .file())
    var manifest: String?

    @Option(help: ArgumentHelp(Role.splitHelp))
    var split: CorpusPart = Role.split

    @Option(help: "Seed of the person-disjoint split (80/10/10 by person) of the persons SampleData/corpora/split.tsv does not place; one seed, one split for every command.")
    var splitSeed: UInt64 = 0

    @Option(help: ArgumentHelp(Role.sizeHelp))
    var size: Int = Role.size

    /// The clips of `part` (default: `--split`) of the corpus at `path` under the project split
    /// (`CorpusSelection.selectForProcess`); `manifest` overrides `--manifest`.
    /// A folder scan's skipped files are noted in one line on stderr.
    func select(_ path: String, part: CorpusPart? = nil, manifest: String? = nil) throws -> Corpus {
        let corpus = try CorpusSelection.selectForProcess(path: path, manifest: manifest ?? self.manifest, split: (part ?? split).rawValue,
                                                seed: splitSeed)
        if !corpus.skipped.isEmpty && part == nil { ProgressLine().note("note: " + Corpus.skippedNote(corpus.skipped)) }
        return corpus
    }
}
