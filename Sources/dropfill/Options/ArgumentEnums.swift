import ArgumentParser
import Corpus
import Metrics
import Pipeline

// The engine's closed sets that options take as they are (their raw values are the option values).

extension DropModel: ExpressibleByArgument {}
extension TimestampMode: ExpressibleByArgument {}
extension ClipPreparation.Crop: ExpressibleByArgument {}
extension OutsideMethod: ExpressibleByArgument {}

/// The colour convention of the metrics (`--convention`).
enum ConventionChoice: String, CaseIterable, ExpressibleByArgument {
    /// RGB, every channel.
    case rgb
    /// BT.601 luma.
    case luma

    /// The metrics' colour space.
    var color: MetricConvention.Color { self == .luma ? .lumaBT601 : .rgb }
}
