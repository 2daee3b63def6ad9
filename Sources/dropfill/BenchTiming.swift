import Foundation

/// What every `dropfill bench` subcommand measures the same way: medians of repeated runs and the load average.
enum BenchTiming {
    /// The median wall-clock seconds of `repetitions` runs of `body`.
    static func median(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        var runs: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let t0 = Date()
            try body()
            runs.append(Date().timeIntervalSince(t0))
        }
        return runs.sorted()[runs.count / 2]
    }

    /// The median CPU seconds this thread spent in `repetitions` runs of `body` (for single-threaded work on a busy
    /// machine: unlike wall-clock time it does not count the time other processes held the cores).
    static func medianThreadCPU(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        var runs: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let t0 = now()
            try body()
            runs.append(now() - t0)
        }
        return runs.sorted()[runs.count / 2]
    }

    /// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or "?".
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}
