import ArgumentParser
import Foundation
import Rating
import SafeOutput

/// `dropfill report`: MOS, DMOS and rater screening of a rating study, with CSV and sureal exports.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarize a rating study: MOS with 95% intervals, DMOS against the hidden reference, rater screening.",
        discussion: """
            Per method and attribute: N, MOS, standard deviation (N−1) and the 95% interval 1.96·s/√N; DMOS per rater and clip as score(method) − score(reference) + the scale's maximum (P.910 ACR-HR with the "+5" generalised), not clipped. Practice trials are left out. Screening lists the raters each rule would reject: BT.500-13 Annex 2 §2.3.1 (kurtosis rule) and Pearson r of each rater against the MOS (below --pearson-threshold).

            Exports: --csv writes one row per score (rater, stimulus, method, clip, attribute, score, shown_at, answered_at, decision_ms, replays); --sureal-matrix writes the stimuli × raters CSV and --sureal-json the dataset (ref_videos / dis_videos with os per rater) that Netflix's sureal reads, for --attribute.

            Examples:
              dropfill report SampleData/studies/example.json
              dropfill report study.json --db ratings.sqlite --json
              dropfill report study.json --csv scores.csv --sureal-json overall.json \\
                  --attribute "Overall perception"
            """
    )

    @Argument(help: "The study file (JSON).", completion: .file())
    var study: String

    @Option(help: "The ratings database (default: $XDG_DATA_HOME/dropfill/ratings.sqlite).", completion: .file())
    var db: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Write every score as a long CSV to this file.", completion: .file())
    var csv: String?

    @Option(help: "Write sureal's stimuli × raters matrix CSV (for --attribute) to this file.", completion: .file())
    var surealMatrix: String?

    @Option(help: "Write sureal's dataset JSON (for --attribute) to this file.", completion: .file())
    var surealJson: String?

    @Option(help: "Attribute of the sureal exports (default: the study's last, e.g. Overall perception).")
    var attribute: String?

    @Option(help: "Folder of the prepared stimuli, for the paths in the sureal dataset.", completion: .directory)
    var cache: String?

    @Option(help: "Pearson screening flags raters whose r against the MOS is below this.")
    var pearsonThreshold: Double = 0.7

    @OptionGroup(title: "Existing outputs")
    var outputs: OutputOptions

    func run() throws {
        let path = db ?? RatingStore.defaultPath()
        try outputs.adopt(inputs: [study, path, cache], outputs: [csv, surealMatrix, surealJson])
        let s = try Study.load(path: study, requireClips: false)
        guard FileManager.default.fileExists(atPath: path) else { throw RatingError.noRatings("no database at \(path) (run `dropfill rate` first, or pass --db)") }
        let store = try RatingStore(path: path)
        let scores = try store.scores(study: s.name)
        guard !scores.isEmpty else { throw RatingError.noRatings("study \(s.name) has no ratings in \(path)") }
        let attr = attribute ?? s.attributes[s.attributes.count - 1]
        guard s.attributes.contains(attr) else {
            throw ValidationError("--attribute \(attr) is not one of the study's: \(s.attributes.joined(separator: ", "))")
        }
        try write(csv) { RatingExport.longCSV(scores) }
        try write(surealMatrix) { RatingExport.surealMatrixCSV(scores, attribute: attr) }
        if let surealJson {
            let data = try RatingExport.surealDataset(scores, study: s, cache: StimulusCache(root: cache ?? StimulusCache.defaultRoot(), study: s), attribute: attr)
            try write(surealJson) { String(decoding: data, as: UTF8.self) + "\n" }
        }
        let report = RatingReport(study: s, scores: scores, pearsonThreshold: pearsonThreshold)
        guard report.ratings > 0 else { throw RatingError.noRatings("study \(s.name) has only practice ratings so far in \(path)") }
        if json { try printJSON(report) } else { print(report.text) }
    }

    func write(_ path: String?, _ text: () throws -> String) throws {
        guard let path else { return }
        try OutputFile.write(Data(try text().utf8), to: path)
    }
}
