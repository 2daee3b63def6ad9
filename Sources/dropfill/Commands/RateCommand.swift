import ArgumentParser
import Foundation
import Pipeline
import Inspector
import Rating

/// `dropfill rate`: a blind, randomized human-rating session in the terminal, stored in SQLite.
struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Run a blind human-rating session of restored videos in the terminal (ratings stored in SQLite).",
        discussion: """
            STUDY is a JSON file naming the clips, the restoration methods, the drop rate and seed, the attributes and the scale (see SampleData/studies/example.json). Every clip is dropped and restored with every method once (cached under ~/.cache/dropfill/stimuli, so the next rater starts at once); the untouched clip is added as a hidden reference. The rater first scores a few practice videos (kept out of the results), then every stimulus once, in a random order drawn from a seed stored for that rater. Methods are never shown.

            Keys: type a score or use ←/→, ↑/↓ change attribute, Enter goes on (and saves on the last attribute), r replays, ? help, q quits. Each rating is saved in its own transaction the moment it is confirmed: quit, Ctrl-C or a crash lose at most the video being scored, and the same command resumes where it stopped.

            Sound plays through ALSA's aplay when the machine has a sound device; without one the session says so and goes on silent only when the study sets "allow_silent": true.

            Ratings go to $XDG_DATA_HOME/dropfill/ratings.sqlite (~/.local/share/dropfill/ratings.sqlite) unless --db says otherwise; `dropfill report STUDY` summarizes them.

            Examples:
              dropfill rate SampleData/studies/example.json --rater alice
              dropfill rate study.json --rater "Bob O'Neil" --db ratings.sqlite \\
                  --graphics ascii
              dropfill rate study.json --prepare-only
            """
    )

    @Argument(help: "The study file (JSON).", completion: .file())
    var study: String

    @Option(help: "Who is rating (any non-empty text; the same ID resumes the same order). Required unless --prepare-only.")
    var rater: String?

    @Option(help: "The ratings database (default: $XDG_DATA_HOME/dropfill/ratings.sqlite).", completion: .file())
    var db: String?

    @Option(help: "Folder for the prepared stimuli (default: $XDG_CACHE_HOME/dropfill/stimuli).", completion: .directory)
    var cache: String?

    @Option(help: "Image mode (auto: what the terminal answers).")
    var graphics: GraphicsChoice = .auto

    @Option(help: "Theme name (dark, light, plain16, default) or path to a .theme file.")
    var theme: String?

    @Flag(help: "Play no sound even when a sound device exists (the study must allow silent sessions).")
    var silent = false

    @Option(help: "Order seed for a NEW rater (default: random; stored either way, a returning rater keeps theirs).")
    var orderSeed: UInt64?

    @Flag(help: "Only prepare the stimuli (drop + restore into the cache) and exit.")
    var prepareOnly = false

    func validate() throws {
        if rater == nil && !prepareOnly { throw ValidationError("--rater is required (who is rating)") }
    }

    func run() throws {
        let forced = graphics.forced
        let progress = ProgressLine()
        let options = RatingLauncher.Options(studyPath: study, rater: rater ?? "", databasePath: db, cacheRoot: cache, graphics: forced, theme: theme,
                                             silent: silent, orderSeed: orderSeed, softwareVersion: DropfillVersion.string)
        var launch = options
        launch.locator = .forProcess()
        if prepareOnly {
            let s = try Study.load(path: study)
            let c = StimulusCache(root: cache ?? StimulusCache.defaultRoot(), study: s, locator: .forProcess())
            let made = try c.prepare { done, total, what in progress.update("preparing \(done)/\(total) · \(what)") }
            progress.finish()
            print("\(made) stimuli prepared, \(s.stimuli.count - c.missing().count) of \(s.stimuli.count) ready in \(c.folder)")
            return
        }
        let outcome = try RatingLauncher.run(launch) { progress.note($0) }
        if let failure = outcome.failure { throw RatingError.sessionUnavailable(failure) }
        let who = RaterID.escaped(rater ?? "")
        if outcome.remaining == 0 {
            print("rater \(who): all \(outcome.total) videos rated (\(outcome.saved) this session); ratings in \(outcome.databasePath)")
        } else {
            print("rater \(who): \(outcome.saved) rated this session, \(outcome.remaining) of \(outcome.total) to go; run the same command to resume")
        }
    }
}
