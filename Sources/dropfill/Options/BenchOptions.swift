import ArgumentParser

/// What a benchmark measures: the defaults `BenchOptions` and `ThreadOptions` take on in that benchmark.
protocol BenchRole {
    /// Repetitions of each measurement when `--repetitions` is not given.
    static var repetitions: Int { get }
}

/// A command's default OpenBLAS thread count (used when `OPENBLAS_NUM_THREADS` is unset).
protocol ThreadRole {
    static var threads: Int { get }
}

/// The options every benchmark shares: repetitions (the median is reported) and JSON output.
struct BenchOptions<Role: BenchRole>: ParsableArguments {
    @Option(help: "Repetitions of each measurement (the median is reported).")
    var repetitions: Int = Role.repetitions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }
}

/// `--threads`: OpenBLAS threads when `OPENBLAS_NUM_THREADS` is unset (see `BLASThreads`).
struct ThreadOptions<Role: ThreadRole>: ParsableArguments {
    @Option(help: "OpenBLAS threads when OPENBLAS_NUM_THREADS is unset.")
    var threads: Int = Role.threads

    /// Applies the environment's thread count, else `--threads`.
    func configure() { BLASThreads.configure(fallback: threads) }
}
