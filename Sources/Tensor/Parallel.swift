import COpenBLAS
import Dispatch
import Foundation

/// How the engine uses the cores: Dispatch for im2col, elementwise ops and warping; OpenBLAS threads for products.
public enum Parallel {
    /// Cores available to this process.
    public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` over `0..<count` split into contiguous chunks, one per core, in parallel when the work
    /// (`count × cost`, in rough element operations) is large enough to pay for the hand-off.
    @inline(__always)
    public static func forEach(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(count, coreCount)
        if chunks <= 1 || count * cost < 32_768 {
            body(0..<count)
            return
        }
        // The chunks touch disjoint ranges (the caller's contract), so sharing the closure across threads is safe.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks, hi = count * (c + 1) / chunks
                if lo < hi { work.value(lo..<hi) }
            }
        }
    }

    /// The number of threads OpenBLAS uses for products.
    public static var blasThreads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Sets OpenBLAS to `OPENBLAS_NUM_THREADS` when the environment gives it, else to 2 (the project default).
    public static func configureDefaultThreads() {
        if let env = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let n = Int(env), n > 0 {
            blasThreads = n
        } else {
            blasThreads = min(2, coreCount)
        }
    }
}

/// Carries a value the caller guarantees is used without data races across a concurrency boundary.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

// MARK: - Products

/// Thin wrappers over `cblas_sgemm` (row-major) so call sites read like the maths.
enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, row-major, with explicit leading dimensions.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

// MARK: - Scratch memory

/// Reusable scratch blocks (im2col matrices and the like), so the hot path does not allocate per layer per frame.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    private let lock = NSLock()
    private var free: [TensorStorage] = []

    /// Lends a block of at least `count` floats (contents undefined) for the duration of `body`.
    func with<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let block = take(count)
        defer { give(block) }
        return try body(block.pointer)
    }

    private func take(_ count: Int) -> TensorStorage {
        lock.lock()
        defer { lock.unlock() }
        if let i = free.firstIndex(where: { $0.count >= count }) { return free.remove(at: i) }
        if !free.isEmpty { free.removeFirst() }  // drop a too-small block rather than hoard it
        return TensorStorage(count: count)
    }

    private func give(_ block: TensorStorage) {
        lock.lock()
        defer { lock.unlock() }
        free.append(block)
        if free.count > 4 { free.removeFirst() }
    }
}

// MARK: - Results of concurrent iterations

/// A fixed-size array written from concurrent iterations, each index once.
public final class UnsafeResults<T>: @unchecked Sendable {
    private var storage: [Result<T, any Error>?]
    private let lock = NSLock()

    public init(count: Int) { storage = Array(repeating: nil, count: count) }

    public func set(_ i: Int, _ value: Result<T, any Error>) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }

    /// The values in order; the first error an iteration stored, or `MissingResult` for an index never set.
    public func values() throws -> [T] {
        try storage.enumerated().map { i, r in try (r ?? .failure(MissingResult(index: i))).get() }
    }

    /// An iteration that stored nothing (a bug in the caller, never a user's input).
    public struct MissingResult: Error, CustomStringConvertible {
        public let index: Int
        public var description: String { "no result for iteration \(index)" }
    }
}
