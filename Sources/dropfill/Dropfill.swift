import ArgumentParser
import SafeOutput
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
                  the truth; for all of them:
                  --methods \(RestorerCatalog.classical.joined(separator: ","))
                    \(RestorerCatalog.learned.joined(separator: ","))
              dropfill inspect clip.mp4
                  step through it in the terminal
            """,
        version: DropfillVersion.string,
        subcommands: Dropfill.allSubcommands
    )

    /// Runs the command; an error from Foundation (a file that cannot be read or written) is printed as one line
    /// naming the file, never as a raw NSError dump.
    static func main() async {
        TemporaryFiles.prepareProcess()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ErrorText.isFoundationError(error) ? OneLineError(ErrorText.oneLine(error)) : error)
        }
    }
}

/// An error already reduced to one line.
struct OneLineError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
