/// The paper's dynamic position retrieval (Sec. IV-B, Eqs. 9–11): the strictly increasing placement
/// s_0 < … < s_{k−1} in [0, n) that minimises Σ_i D(i, s_i).
///
/// Eq. 10: DP(0, j) = D(0, j); DP(i, j) = D(i, j) + min DP(i−1, 0 : j) (slots before j, exclusive). Keeping the
/// running prefix minimum of each row makes the recursion O(k·n) time and memory instead of O(k·n²).
/// Ties go to the earliest slot. Backtracking starts from the minimum of the last row (Fig. 7(d)).
public struct DynamicPositionRetrieval: PositionEstimator {
    public var name: String { EstimatorKind.dp.rawValue }

    public init() {}

    public func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        guard let d = input.distances else { throw .missingInput("dp needs a distance matrix") }
        let trace = try Self.solve(d)
        return PositionEstimate(estimator: name, placements: trace.positions.map { $0 }, positions: trace.positions,
                                trace: trace)
    }

    /// Runs Eq. 10 and backtracks. Throws `moreFramesThanSlots` when k > n.
    public static func solve(_ d: DistanceMatrix) throws(AlignmentError) -> DPTrace {
        try TransitionDP.solve(d, model: nil)
    }
}

/// The shared DP engine: Eq. 10 when `model` is nil, else with start, transition and end costs.
enum TransitionDP {
    static func solve(_ d: DistanceMatrix, model: TransitionCosts?) throws(AlignmentError) -> DPTrace {
        let k = d.rows, n = d.columns
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        let inf = Double.infinity
        var cost = [Double](repeating: inf, count: k * n)
        var pred = [Int32](repeating: -1, count: k * n)
        var pmin = [Double](repeating: inf, count: k * n)
        var parg = [Int32](repeating: -1, count: k * n)
        var tiltMin = [Double](repeating: inf, count: model == nil ? 0 : n)
        var tiltArg = [Int32](repeating: -1, count: model == nil ? 0 : n)
        d.values.withUnsafeBufferPointer { dv in
            cost.withUnsafeMutableBufferPointer { c in
                pred.withUnsafeMutableBufferPointer { p in
                    pmin.withUnsafeMutableBufferPointer { pm in
                        parg.withUnsafeMutableBufferPointer { pa in
                          tiltMin.withUnsafeMutableBufferPointer { tm in
                            tiltArg.withUnsafeMutableBufferPointer { ta in
                            for i in 0..<k {
                                let lo = i, hi = n - k + i   // usable slots for frame i
                                let row = i * n, prev = (i - 1) * n
                                if i > 0, let m = model {
                                    // tm[j'] = min over j'' ≤ j' of DP(i−1, j'') − σ·j'' (σ = this row's tail slope)
                                    let sigma = m.tailSlope[i - 1]
                                    var run = inf, runArg: Int32 = -1
                                    for jj in 0..<n {
                                        let v = c[prev + jj] - sigma * Double(jj)
                                        if v < run { run = v; runArg = Int32(jj) }
                                        tm[jj] = run; ta[jj] = runArg
                                    }
                                }
                                for j in lo...hi {
                                    let dij = Double(dv[row + j])
                                    if i == 0 {
                                        c[row + j] = dij + (model?.start[j] ?? 0)
                                    } else if let m = model {
                                        // Banded search over gaps 1…G, then the linear tail g > G via the tilted prefix min.
                                        let trans = m.transition[i - 1]
                                        var best = inf, arg: Int32 = -1
                                        let tailEnd = j - m.maxGap - 1
                                        if tailEnd >= i - 1 {
                                            best = tm[tailEnd] + m.tailSlope[i - 1] * Double(j - m.maxGap - 1)
                                                + trans[m.maxGap]
                                            arg = ta[tailEnd]
                                        }
                                        let gMax = min(m.maxGap, j - (i - 1))
                                        if gMax >= 1 {
                                            // predecessors left to right (strict <), so ties go to the earliest slot
                                            for g in stride(from: gMax, through: 1, by: -1) {
                                                let v = c[prev + j - g] + trans[g - 1]
                                                if v < best { best = v; arg = Int32(j - g) }
                                            }
                                        }
                                        c[row + j] = dij + best
                                        p[row + j] = arg
                                    } else {
                                        // Eq. 10: min DP(i−1, 0 : j) is the prefix min of row i−1 up to j−1.
                                        c[row + j] = dij + pm[prev + j - 1]
                                        p[row + j] = pa[prev + j - 1]
                                    }
                                    // Running prefix minimum of this row (strict < keeps the earliest slot).
                                    if j == lo || c[row + j] < pm[row + j - 1] {
                                        pm[row + j] = c[row + j]; pa[row + j] = Int32(j)
                                    } else {
                                        pm[row + j] = pm[row + j - 1]; pa[row + j] = pa[row + j - 1]
                                    }
                                }
                                // Carry the prefix min past the usable band so later rows can read it.
                                if hi + 1 < n {
                                    for j in (hi + 1)..<n { pm[row + j] = pm[row + hi]; pa[row + j] = pa[row + hi] }
                                }
                            }
                            }
                          }
                        }
                    }
                }
            }
        }
        // Final choice: last row plus the end cost; earliest slot on ties.
        let last = (k - 1) * n
        var final = [Double](repeating: inf, count: n)
        var bestJ = -1, bestV = inf
        for j in (k - 1)..<n {
            final[j] = cost[last + j] + (model?.end[j] ?? 0)
            if final[j] < bestV { bestV = final[j]; bestJ = j }
        }
        guard bestJ >= 0 else { throw .nonFiniteValue("every placement has infinite cost") }
        var positions = [Int](repeating: 0, count: k)
        var j = bestJ
        for i in stride(from: k - 1, through: 0, by: -1) {
            positions[i] = j
            if i > 0 { j = Int(pred[i * n + j]) }
        }
        return DPTrace(rows: k, columns: n, cost: cost.map(Float.init), predecessor: pred,
                       prefixMin: pmin.map(Float.init), prefixArgmin: parg, finalCost: final.map(Float.init),
                       positions: positions, totalCost: bestV)
    }
}
