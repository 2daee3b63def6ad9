import ArgumentParser

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
              dropfill probe clip.mp4                       what the file holds, and its timestamp gaps
              dropfill drop clip.mp4 -o dropped.mp4 --rate 0.87
              dropfill evaluate clip.mp4 --rate 0.87        score every restoration method against the truth
            """,
        version: DropfillVersion.string,
        subcommands: Dropfill.allSubcommands
    )
}
