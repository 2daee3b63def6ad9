import DropfillTestSupport
import Foundation

/// Runs the built `dropfill` binary for the CLI tests (see `BuiltProduct`).
enum CLIRunner {
    /// Runs `dropfill arguments…` from the repository root; nil (with the reason printed) when it was not built.
    static func run(_ arguments: [String]) throws -> BuiltProduct.Output? {
        let result = try BuiltProduct.run(arguments)
        if result == nil { print("skipped: the dropfill binary is not built next to the tests (run `swift build` first)") }
        return result
    }
}
