import Foundation
import Tensor

/// How many OpenBLAS threads a command uses: `OPENBLAS_NUM_THREADS` when set, else the command's `--threads`.
enum BLASThreads {
    /// Applies the environment's setting, or `fallback` when there is none.
    static func configure(fallback: Int) {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] != nil {
            Parallel.configureDefaultThreads()
        } else {
            Parallel.blasThreads = max(1, fallback)
        }
    }
}
