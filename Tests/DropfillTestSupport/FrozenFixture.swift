import Foundation

/// Frozen fixtures: small trained models committed beside the tests, so a test can assert orderings on a fixed
/// model instead of on a training run, whose last bits (and so its outcome) depend on the CPU's BLAS kernel.
///
/// Each fixture has a test that rebuilds it; that test runs only with `DROPFILL_REGENERATE_FIXTURES=1`
/// (`swift test --filter regenerate` with the variable set), and the tests that read the fixture then check the
/// new file like any other.
public enum FrozenFixture {
    /// True when the fixture-building tests should run and overwrite the committed fixtures.
    public static let regenerate = ProcessInfo.processInfo.environment["DROPFILL_REGENERATE_FIXTURES"] == "1"

    /// Why the fixture-building tests are skipped in an ordinary run.
    public static let regenerateReason = "rebuilds a committed fixture; set DROPFILL_REGENERATE_FIXTURES=1 to run it"

    /// The path of `name` in the `Fixtures` folder beside `file` (pass `#filePath`).
    public static func path(_ name: String, besideSource file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(name).path
    }
}
