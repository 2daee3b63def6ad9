import ArgumentParser
import Restoration

/// The `dropfill` command: restores the frames a talking-head video lost in transit.
///
/// Thin by design: every subcommand parses its arguments, calls the engine modules and prints.
@main
struct Dropfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropfill",
        abstract: "Restore the frames a talking-head video lost in transit, from its audio and the frames that survived.",
        discussion: """
            A typical session:
              dropfill probe clip.mp4
                  streams, counts, timestamp gaps
              dropfill drop clip.mp4 -o d.mp4 --rate 0.87
                  simulate 87% frame loss
              dropfill restore d.mp4 -o r.mp4
                  put the lost frames back
              dropfill evaluate clip.mp4
                  score \(RestorerCatalog.classical.joined(separator: ", ")) against
                  the truth (--methods \(RestorerCatalog.all.joined(separator: ",")) for all)
              dropfill inspect clip.mp4
                  step through it in the terminal
            """,
        version: DropfillVersion.string,
        subcommands: Dropfill.allSubcommands
    )
}
