/// Everything a viewer needs to step through a dynamic position retrieval (Eq. 10 and its prior variant).
///
/// All matrices are k × n, row-major (row i = surviving frame i, column j = slot j). Cells that no
/// strictly increasing placement can use (j < i, or j > n − k + i) hold `+∞` cost and predecessor −1.
public struct DPTrace: Sendable, Equatable {
    /// k.
    public let rows: Int
    /// n.
    public let columns: Int
    /// DP(i, j): the smallest cost of placing frames 0…i with frame i in slot j (Eq. 10; for `dp-prior`
    /// including start and transition costs).
    public let cost: [Float]
    /// The slot of frame i − 1 on the best path into (i, j); −1 in row 0 and in unusable cells.
    public let predecessor: [Int32]
    /// min over j' ≤ j of DP(i, j') — the running prefix minimum that makes the plain DP O(k·n).
    public let prefixMin: [Float]
    /// The (first) j' ≤ j attaining `prefixMin`; −1 where the prefix holds no usable cell.
    public let prefixArgmin: [Int32]
    /// Cost of ending at slot j: the last row of `cost` plus the end cost (zero for the plain DP).
    public let finalCost: [Float]
    /// The backtracked placement s_0 < … < s_{k−1}.
    public let positions: [Int]
    /// The placement's total cost (min of `finalCost`).
    public let totalCost: Double

    /// Value of a k × n field at (i, j).
    @inline(__always) public func index(_ i: Int, _ j: Int) -> Int { i * columns + j }
}
