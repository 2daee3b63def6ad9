import ArgumentParser
import Inspector

/// `dropfill doctor`: what the terminal can do and why the inspector picks the image mode it picks.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report what the terminal supports (sixel, colours, size, locale) and the inspector's choices.",
        discussion: """
            Asks the terminal for its primary device attributes (DA1: a 4 means sixel) and XTSMGRAPHICS colour registers, with a timeout (nothing is asked when stdin/stdout is not a terminal), and reports TERM, COLORTERM, tty, locale/UTF-8, terminfo colours, the pixel size (TIOCGWINSZ), the themes found and the image mode `dropfill inspect` would use.

            Examples:
              dropfill doctor
              dropfill doctor --json
              TERM=xterm-256color dropfill doctor --graphics 256
            """
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Show the result of forcing an image mode: sixel, truecolor, 256 or ascii.")
    var graphics: String?

    @Option(help: "Seconds to wait for the terminal's replies.")
    var timeout: Double = 0.5

    func run() throws {
        var forced: GraphicsMode?
        if let g = graphics {
            guard let m = GraphicsMode(option: g) else { throw InspectorError.invalidOption("--graphics \(g): use sixel, truecolor, 256 or ascii") }
            forced = m
        }
        let report = TerminalReport.gather(forced: forced, timeout: max(0.05, min(5, timeout)))
        if json {
            try printJSON(report)
        } else {
            print(report.text)
        }
    }
}
