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
        // The trace is stored in Float/Int32 (what a viewer needs); the recursion itself runs in Double on two
        // rolling rows, so long sums keep their precision and memory stays at 4 × k·n × 4 bytes.
        var cost = [Float](repeating: .infinity, count: k * n)
        var pred = [Int32](repeating: -1, count: k * n)
        var pmin = [Float](repeating: .infinity, count: k * n)
        var parg = [Int32](repeating: -1, count: k * n)
        var prevC = [Double](repeating: inf, count: n), curC = prevC
        var prevPM = [Double](repeating: inf, count: n), curPM = prevPM
        // Flattened costs for the prior variant: trans[(i−1)·(G+1) + g−1], start[j].
        let G = model?.maxGap ?? 0
        let trans: [Double] = model?.transition.flatMap { $0 } ?? []
        let start: [Double] = model?.start ?? [Double](repeating: 0, count: n)
        let slopes: [Double] = model?.tailSlope ?? []
        var tilt = [Double](repeating: inf, count: model == nil ? 0 : n)
        var tiltArg = [Int32](repeating: -1, count: model == nil ? 0 : n)
        // A banded D (`SlotBand`) is read as +∞ outside the band; the trace itself stays k × n (a viewer's table).
        let bw = d.band.width
        for i in 0..<k {
            let lo = i, hi = n - k + i   // usable slots for frame i
            let row = i * n
            let bs = d.band.start[i], drow = i * bw
            d.values.withUnsafeBufferPointer { dv in
              @inline(__always) func dist(_ j: Int) -> Double {
                  let t = j - bs
                  return t >= 0 && t < bw ? Double(dv[drow + t]) : inf
              }
              pred.withUnsafeMutableBufferPointer { p in
                parg.withUnsafeMutableBufferPointer { pa in
                  prevC.withUnsafeBufferPointer { pc in
                    curC.withUnsafeMutableBufferPointer { c in
                      prevPM.withUnsafeBufferPointer { ppm in
                        curPM.withUnsafeMutableBufferPointer { pm in
                          tilt.withUnsafeMutableBufferPointer { tm in
                            tiltArg.withUnsafeMutableBufferPointer { ta in
                              trans.withUnsafeBufferPointer { tr in
                                let prev = (i - 1) * n
                                for j in 0..<lo { c[j] = inf }
                                if hi + 1 < n { for j in (hi + 1)..<n { c[j] = inf } }
                                if i == 0 {
                                    for j in lo...hi { c[j] = dist(j) + start[j] }
                                } else if model == nil {
                                    // Eq. 10: min DP(i−1, 0 : j) is the prefix min of row i−1 up to j−1.
                                    for j in lo...hi {
                                        c[j] = dist(j) + ppm[j - 1]
                                        p[row + j] = pa[prev + j - 1]
                                    }
                                } else {
                                    // tm[j'] = min over j'' ≤ j' of DP(i−1, j'') − σ·j'' (σ = this row's tail slope).
                                    let sigma = slopes[i - 1]
                                    var run = inf, runArg: Int32 = -1
                                    for jj in 0..<n {
                                        let v = pc[jj] - sigma * Double(jj)
                                        if v < run { run = v; runArg = Int32(jj) }
                                        tm[jj] = run; ta[jj] = runArg
                                    }
                                    let t0 = (i - 1) * (G + 1), tailCost = tr[t0 + G]
                                    for j in lo...hi {
                                        // The linear tail g > G first (earliest predecessors), then gaps G…1.
                                        var best = inf, arg: Int32 = -1
                                        let tailEnd = j - G - 1
                                        if tailEnd >= i - 1 {
                                            best = tm[tailEnd] + sigma * Double(tailEnd) + tailCost
                                            arg = ta[tailEnd]
                                        }
                                        let gMax = min(G, j - (i - 1))
                                        if gMax >= 1 {
                                            for g in stride(from: gMax, through: 1, by: -1) {   // strict <: earliest wins ties
                                                let v = pc[j - g] + tr[t0 + g - 1]
                                                if v < best { best = v; arg = Int32(j - g) }
                                            }
                                        }
                                        c[j] = dist(j) + best
                                        p[row + j] = arg
                                    }
                                }
                                // Running prefix minimum of this row (strict < keeps the earliest slot), carried
                                // past the usable band so the next row and the inspector can read it.
                                for j in 0..<lo { pm[j] = inf }
                                pm[lo] = c[lo]; pa[row + lo] = Int32(lo)
                                if lo < n - 1 {
                                    for j in (lo + 1)..<n {
                                        if j <= hi && c[j] < pm[j - 1] {
                                            pm[j] = c[j]; pa[row + j] = Int32(j)
                                        } else {
                                            pm[j] = pm[j - 1]; pa[row + j] = pa[row + j - 1]
                                        }
                                    }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
            cost.withUnsafeMutableBufferPointer { out in
                pmin.withUnsafeMutableBufferPointer { outPM in
                    for j in lo...hi { out[row + j] = Float(curC[j]) }
                    for j in lo..<n { outPM[row + j] = Float(curPM[j]) }
                }
            }
            swap(&prevC, &curC)
            swap(&prevPM, &curPM)
        }
        // Final choice: last row (now in prevC) plus the end cost; earliest slot on ties.
        var final = [Float](repeating: .infinity, count: n)
        var bestJ = -1, bestV = inf
        for j in (k - 1)..<n {
            let v = prevC[j] + (model?.end[j] ?? 0)
            final[j] = Float(v)
            if v < bestV { bestV = v; bestJ = j }
        }
        guard bestJ >= 0 else { throw .nonFiniteValue("every placement has infinite cost") }
        var positions = [Int](repeating: 0, count: k)
        var j = bestJ
        for i in stride(from: k - 1, through: 0, by: -1) {
            positions[i] = j
            if i > 0 { j = Int(pred[i * n + j]) }
        }
        return DPTrace(rows: k, columns: n, cost: cost, predecessor: pred, prefixMin: pmin, prefixArgmin: parg,
                       finalCost: final, positions: positions, totalCost: bestV)
    }
}
