import DropfillTestSupport
import Foundation

/// Runs the built `dropfill` binary for the CLI tests (see `BuiltProduct`).
enum CLIRunner {
    /// Runs `dropfill arguments…` from the repository root; nil when it was not built (the suites that call this
    /// are enabled only when `Prerequisite.binary` holds).
    static func run(_ arguments: [String]) throws -> BuiltProduct.Output? {
        try BuiltProduct.run(arguments)
    }
}
