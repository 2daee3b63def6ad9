import ArgumentParser
import Corpus
import Metrics
import Pipeline
import Inspector
import Restoration

// The engine's closed sets that options take as they are (their raw values are the option values).

extension DropModel: ExpressibleByArgument {}
extension TimestampMode: ExpressibleByArgument {}
extension ClipPreparation.Crop: ExpressibleByArgument {}
extension OutsideMethod: ExpressibleByArgument {}
extension FENetGapSampler.Weighting: ExpressibleByArgument {}

/// The colour convention of the metrics (`--convention`).
enum ConventionChoice: String, CaseIterable, ExpressibleByArgument {
    /// RGB, every channel.
    case rgb
    /// BT.601 luma.
    case luma

    /// The metrics' colour space.
    var color: MetricConvention.Color { self == .luma ? .lumaBT601 : .rgb }
}

/// The picture mode of the terminal faces (`--graphics`): `auto` (what the terminal answers), or one forced.
struct GraphicsChoice: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    /// The forced mode; nil for `auto`.
    let forced: GraphicsMode?

    /// Detect from the terminal.
    static let auto = GraphicsChoice(forced: nil)

    private init(forced: GraphicsMode?) { self.forced = forced }

    /// `auto`, or a mode `GraphicsMode(option:)` knows (sixel, truecolor, 256, ascii and their aliases).
    init?(argument: String) {
        if argument.lowercased() == "auto" {
            forced = nil
        } else if let mode = GraphicsMode(option: argument) {
            forced = mode
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["auto"] + GraphicsMode.allCases.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var description: String { forced?.rawValue ?? "auto" }
}
