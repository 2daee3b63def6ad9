import Foundation
@testable import Alignment

/// SplitMix64: a small seeded generator so every test is reproducible.
struct SeededRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

/// Exhaustive search over all strictly increasing placements (small k, n only).
enum BruteForce {
    static func best(k: Int, n: Int, cost: ([Int]) -> Double) -> (positions: [Int], cost: Double) {
        var best: (positions: [Int], cost: Double) = ([], .infinity)
        var p = [Int](repeating: 0, count: k)
        func place(_ i: Int, from: Int) {
            if i == k {
                let c = cost(p)
                if c < best.cost { best = (p, c) }
                return
            }
            guard from <= n - (k - i) else { return }
            for j in from...(n - (k - i)) { p[i] = j; place(i + 1, from: j + 1) }
        }
        place(0, from: 0)
        return best
    }

    static func sumOfDistances(_ d: DistanceMatrix, _ p: [Int]) -> Double {
        p.enumerated().reduce(0) { $0 + Double(d[$1.offset, $1.element]) }
    }
}

func randomMatrix(k: Int, n: Int, rng: inout SeededRNG) throws -> DistanceMatrix {
    try DistanceMatrix(rows: k, columns: n, values: (0..<(k * n)).map { _ in Float(rng.uniform() * 10) })
}

/// A synthetic clip: Bernoulli (or Gilbert–Elliott) drops, D_ij = min(|s_i − j|, w)/w + Gaussian noise, and a
/// visual change per consecutive pair that grows with the true gap.
struct SyntheticClip {
    var distances: DistanceMatrix
    var truth: [Int]
    var change: [Float]

    init(seed: UInt64, slots n: Int = 300, drop: Double = 0.87, burst: GilbertElliott? = nil, width: Double = 4,
         noise: Double, cueNoise: Double = 0.3) throws {
        var rng = SeededRNG(seed: seed)
        var truth: [Int] = []
        if let ge = burst {
            var bad = rng.uniform() < ge.goodToBad / (ge.goodToBad + ge.badToGood)
            for j in 0..<n {
                if rng.uniform() >= (bad ? ge.lossInBad : ge.lossInGood) { truth.append(j) }
                bad = bad ? rng.uniform() >= ge.badToGood : rng.uniform() < ge.goodToBad
            }
        } else {
            for j in 0..<n where rng.uniform() >= drop { truth.append(j) }
        }
        if truth.count < 2 { truth = [0, n - 1] }
        let k = truth.count
        var v = [Float](repeating: 0, count: k * n)
        for i in 0..<k {
            for j in 0..<n { v[i * n + j] = Float(min(Double(abs(truth[i] - j)), width) / width + noise * rng.gaussian()) }
        }
        change = (1..<k).map { i in
            Float(max(0, 0.01 * Double(truth[i] - truth[i - 1]) * (1 + cueNoise * rng.gaussian())))
        }
        distances = try DistanceMatrix(rows: k, columns: n, values: v)
        self.truth = truth
    }
}
