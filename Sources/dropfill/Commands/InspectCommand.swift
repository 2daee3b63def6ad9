import ArgumentParser
import Foundation
import Pipeline
import Inspector
import Restoration

/// `dropfill inspect`: the terminal inspector (alignment heatmap, DP steps, positions, restored vs truth frames).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Inspect a clip in the terminal: where each surviving frame was placed and why, and the restored frames beside the truth.",
        discussion: """
            CLIP complete: frames are dropped here as `dropfill drop --rate R --seed S` would, and everything is shown against the truth. CLIP already dropped: give its truth file with --truth (or keep `dropfill drop`'s CLIP.truth.json beside it), or pass --dropped to inspect it without truth; a clip whose own timestamps show frames missing (a real dropped clip) is inspected as dropped unless --drop-again is given. No CLIP opens the bundled sample SampleData/grid-bbaf2n.mp4.

            Views: 1 alignment heatmap, 2 DP steps (Eq. 10, paper Fig. 7), 3 frames. Press ? for every key. Images: sixel when the terminal answers DA1 with a 4, else half-blocks in 24-bit colour, else 256 colours, else ASCII; --graphics forces one, i cycles them. `dropfill doctor` shows what was detected.

            Examples:
              dropfill inspect
              dropfill inspect clip.mp4 --rate 0.87 --seed 3
              dropfill inspect dropped.mp4 --truth dropped.truth.json \\
                  --graphics truecolor --theme light
              dropfill inspect --keys-markdown > keys.md
            """
    )

    @Argument(help: "The clip (complete, or dropped with --truth/--dropped); default: the bundled sample.", completion: .file())
    var clip: String?

    @Option(help: "Share of frames to drop from a complete clip.")
    var rate: Double = 0.87

    @Option(help: "Seed of the drop mask.")
    var seed: UInt64 = 0

    @Option(help: "Truth file of a dropped clip (written by `dropfill drop`).", completion: .file())
    var truth: String?

    @Flag(help: "Treat CLIP as already dropped even without a truth file.")
    var dropped = false

    @Flag(help: "Drop frames here even when CLIP's timestamps show it already lost some.")
    var dropAgain = false

    @Option(name: .customLong("aligner"), help: "Aligner to open on (the `a` key cycles through the ones the inspector computes). Default: aligner, the Ali-Net retrieval the model file records as best.")
    var alignerName: AlignerName = .best

    @Option(name: .customLong("method"), help: "Restoration method to open on. Default: \(RestorerFactory.defaultMethod), the best (README); the first available when its model is missing.")
    var methodName = MethodName(RestorerFactory.defaultMethod)

    /// The options' names as the launcher takes them.
    var aligner: String { alignerName.name }
    var method: String { methodName.name }

    @Option(help: "Image mode (auto: what the terminal answers).")
    var graphics: GraphicsChoice = .auto

    @Option(help: "Theme name (dark, light, plain16, default) or path to a .theme file.")
    var theme: String?

    @Flag(help: "Print the key list as Markdown (for the README) and exit.")
    var keysMarkdown = false

    func run() throws {
        if keysMarkdown {
            print(Keymap.markdown(), terminator: "")
            return
        }
        let forced = graphics.forced
        guard rate > 0, rate < 1 else { throw InspectorError.invalidOption("--rate must lie strictly between 0 and 1") }
        guard let path = clip ?? InspectorLauncher.samplePath() else {
            throw InspectorError.loadFailed("no CLIP given and SampleData/grid-bbaf2n.mp4 not found")
        }
        try InspectorLauncher.run(path: path, options: EngineAdapters.Options(rate: rate, seed: seed, truthPath: truth, dropped: dropped, dropAgain: dropAgain, locator: .forProcess()),
                                  graphics: forced, theme: theme, aligner: AlignerNames.resolve(aligner), method: method)
    }
}
