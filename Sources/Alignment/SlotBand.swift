import Foundation

/// The slots each surviving frame may occupy in the k × n alignment tables: row i keeps the `width` columns
/// `start[i] ..< start[i] + width`, so a table costs k · width cells instead of k · n.
///
/// ## Why a band holds the truth
/// Under independent (Bernoulli) drops every k-subset of the n slots is equally likely once k is known, and with
/// the first and last survivor pinned to slots 0 and n − 1 (what `dropfill drop` keeps) the k − 2 inner survivors
/// are a uniform (k − 2)-subset of the n − 2 inner slots. Survivor i (1 ≤ i ≤ k − 2) is then the i-th order
/// statistic of a sample drawn without replacement, whose mean and variance are
///
///     E[s_i] = i · (n − 1) / (k − 1),
///     Var[s_i] = i · (k − 1 − i) · (n − 1) · (n − k) / ((k − 1)² · k),
///
/// largest at i = (k − 1)/2: Var ≤ (n − 1)(n − k) / (4k). With the keep probability q = k/n this is
/// σ_max ≈ √(k(1 − q)) / (2q) — half the unconditioned random-walk bound √(k(1 − q))/q, because both ends are
/// pinned (a Brownian bridge, not a walk). So the spread grows only as √k while n grows as k: on a 10-minute clip
/// at 30 fps with 87% loss (k ≈ 1950, n = 18000) σ_max ≈ 160 slots.
///
/// `prior(frames:slots:)` takes the half-width h = ⌈c · σ_max⌉ + floor (c = `sigmas`, 5 by default: under the
/// normal approximation a survivor lies outside with probability below 6·10⁻⁷; the floor of `floorSlots` keeps
/// short or nearly lossless clips, and bursty drops whose spread is wider than Bernoulli's, well inside), centred on
/// i · (n − 1)/(k − 1) and shifted to stay inside 0 ..< n. The monotone constraint (frame i lies in i … n − k + i)
/// is applied by the retrievals on top.
///
/// **Outside the band a frame has probability 0** (a distance of +∞): the posterior and the DP can only place
/// survivor i inside its band. When the band covers every slot (2h + 1 ≥ n: every clip up to a few minutes at the
/// default rates) it is `full`, the tables are the plain k × n ones and every result is bit-identical to the
/// unbanded code.
///
/// ## Which tables exist
/// The only k × w table on the posterior estimators' path is the distance matrix they are given (`DistanceMatrix`,
/// Float). Everything else over the band is streamed a row at a time (`BandRows`): the fused energies and the
/// lip-geometry costs, the emissions, and the forward pass, which keeps every ⌈√k⌉-th row and recomputes the rows
/// between during the backward pass; the marginals go row by row to the medians and to EM's M step
/// (`PosteriorMedianEstimator.sweep`). The band bounds the work (O(k·w) cells per sweep) and the distances; the
/// sweep itself holds O(√k·w) cells.
public struct SlotBand: Sendable, Equatable {
    /// k.
    public let rows: Int
    /// n.
    public let columns: Int
    /// Stored columns per row (≤ n).
    public let width: Int
    /// First stored column of each row; non-decreasing, `start[i] + width ≤ n`.
    public let start: [Int]

    /// Standard deviations of the prior spread the default band covers on each side.
    public static let sigmas = 5.0
    /// Slots added to the half-width on each side.
    public static let floorSlots = 24

    /// Every row keeps every column (the unbanded tables).
    public static func full(rows k: Int, columns n: Int) -> SlotBand {
        SlotBand(unchecked: k, columns: n, width: n, start: [Int](repeating: 0, count: max(0, k)))
    }

    /// An explicit band of `width` columns per row starting at `start[i]`. Throws unless every row fits in 0 ..< n
    /// and the starts do not decrease.
    public init(rows k: Int, columns n: Int, width: Int, start: [Int]) throws(AlignmentError) {
        guard k > 0, n > 0 else { throw .emptyInput("band \(k)×\(n)") }
        guard width >= 1, width <= n else { throw .invalidSetting("band width \(width) for \(n) slots") }
        guard start.count == k else { throw .shapeMismatch("\(start.count) band starts for \(k) rows") }
        guard start.allSatisfy({ $0 >= 0 && $0 + width <= n }), zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw .invalidSetting("band starts must be non-decreasing and keep \(width) columns inside \(n) slots")
        }
        self.init(unchecked: k, columns: n, width: width, start: start)
    }

    private init(unchecked rows: Int, columns: Int, width: Int, start: [Int]) {
        self.rows = rows
        self.columns = columns
        self.width = width
        self.start = start
    }

    /// The default band for k survivors in n slots (see the type's documentation): `full` when it would cover n.
    public static func prior(frames k: Int, slots n: Int, sigmas c: Double = sigmas, floor: Int = floorSlots) -> SlotBand {
        guard k >= 2, n > k else { return full(rows: k, columns: n) }
        let kk = Double(k), nn = Double(n)
        let sigma = ((nn - 1) * (nn - kk) / (4 * kk)).squareRoot()
        let half = Int((c * sigma).rounded(.up)) + max(0, floor)
        let width = 2 * half + 1
        guard width < n else { return full(rows: k, columns: n) }
        let step = (nn - 1) / (kk - 1)
        let start = (0..<k).map { i in min(max(0, Int((Double(i) * step).rounded()) - half), n - width) }
        return SlotBand(unchecked: k, columns: n, width: width, start: start)
    }

    /// True when every row keeps every column.
    public var isFull: Bool { width == columns }

    /// Stored cells (k · width).
    public var cellCount: Int { rows * width }

    /// The columns row i keeps.
    @inline(__always) public func range(_ i: Int) -> Range<Int> { start[i]..<(start[i] + width) }

    /// Whether row i keeps column j.
    @inline(__always) public func contains(_ i: Int, _ j: Int) -> Bool { j >= start[i] && j < start[i] + width }

    /// Index of cell (i, j) in row-major band storage (only for kept cells).
    @inline(__always) public func index(_ i: Int, _ j: Int) -> Int { i * width + j - start[i] }
}
