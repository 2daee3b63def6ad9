import Foundation
import Tensor

/// How frames are lost: the drop process that `DropSimulation` samples.
public enum DropModel: String, Codable, Sendable, CaseIterable {
    /// Every frame is dropped independently with probability R.
    case bernoulli
    /// Losses come in bursts: a two-state Gilbert–Elliott chain (see `DropSimulation`).
    case burst
    /// Regular decimation: keep 1 frame in k, k = round(1 / (1 − R)).
    case every
}

/// Settings of one drop simulation.
public struct DropSettings: Codable, Sendable, Equatable {
    /// The drop process.
    public var model: DropModel
    /// Target share of frames lost, strictly between 0 and 1 (the paper uses 0.87).
    public var rate: Double
    /// Seed of the pseudo-random sequence: same seed, same mask.
    public var seed: UInt64
    /// Mean length of a burst of lost frames, for `burst` only; nil picks 2 / (1 − R) (see `DropSimulation`).
    public var burstLength: Double?

    public init(model: DropModel = .bernoulli, rate: Double, seed: UInt64 = 0, burstLength: Double? = nil) {
        self.model = model
        self.rate = rate
        self.seed = seed
        self.burstLength = burstLength
    }
}

extension DropSettings {
    /// These settings for the clip called `key` (its path in the corpus): the seed mixed with the FNV-1a hash of the
    /// name, so two clips of equal length get different patterns under one seed while a run stays reproducible.
    /// Used where one seed drops many clips (`evaluate`, a rating study); `drop` of one clip keeps its seed as given.
    public func forClip(_ key: String) -> DropSettings {
        var s = self
        s.seed = seed ^ FNV1a.hash(key.utf8)
        return s
    }
}

/// Frame-drop simulation: pure functions from (frame count, settings) to a keep-mask.
///
/// Conventions:
/// - The first and the last frame always survive (every gap then has a frame on both sides, as the
///   paper's interpolation between neighbours I_l and I_r assumes). For `bernoulli` and `burst` the
///   realised rate is therefore slightly below R on short clips.
/// - `bernoulli`: frame i is lost when u_i < R (u_i uniform, independent).
/// - `burst`: a Gilbert–Elliott chain with a Good state (frame kept) and a Bad state (frame lost).
///   With p = P(Good→Bad) and q = P(Bad→Good), bursts of losses last 1/q frames on average and the
///   stationary loss rate is p / (p + q). Given R and a mean burst length L: q = 1/L and
///   p = R / (L (1 − R)), so the stationary loss rate is exactly R. p ≤ 1 requires L ≥ R / (1 − R)
///   (kept runs cannot be shorter than one frame); L = 1 / (1 − R) makes p + q = 1, i.e. the Bernoulli
///   process, so only L > 1 / (1 − R) is burstier than Bernoulli. The default L = 2 / (1 − R) gives
///   p + q = 1/2. The chain starts in its stationary distribution.
/// - `every`: frames i with i mod k = 0 survive (plus the last), k = round(1 / (1 − R)); the realised
///   rate is 1 − 1/k (0.875 for R = 0.87). R < 1/3 would give k = 1 (nothing dropped) and is an error.
public enum DropSimulation {
    /// The keep-mask over `frameCount` frames: `true` where the frame survives.
    public static func keepMask(frameCount n: Int, settings: DropSettings) throws(CorpusError) -> [Bool] {
        guard n >= 3 else { throw .invalidSetting("drop simulation needs at least 3 frames, got \(n)") }
        let r = settings.rate
        guard r > 0, r < 1, r.isFinite else { throw .invalidSetting("drop rate must lie strictly between 0 and 1, got \(r)") }
        var rng = SeededGenerator(seed: settings.seed)
        var mask = [Bool](repeating: true, count: n)
        switch settings.model {
        case .bernoulli:
            for i in 0..<n { mask[i] = rng.nextUnit() >= r }
        case .burst:
            let (p, q) = try burstTransitions(rate: r, burstLength: settings.burstLength)
            var bad = rng.nextUnit() < r
            for i in 0..<n {
                mask[i] = !bad
                let u = rng.nextUnit()
                bad = bad ? u >= q : u < p
            }
        case .every:
            let k = try everyStride(rate: r)
            for i in 0..<n { mask[i] = i % k == 0 }
        }
        mask[0] = true
        mask[n - 1] = true
        return mask
    }

    /// The Gilbert–Elliott transition probabilities (p = Good→Bad, q = Bad→Good) for rate R and mean burst length L.
    public static func burstTransitions(rate r: Double, burstLength: Double?) throws(CorpusError) -> (p: Double, q: Double) {
        let l = burstLength ?? 2 / (1 - r)
        let minimum = max(1, r / (1 - r))
        guard l.isFinite, l >= minimum else {
            throw .invalidSetting(String(format: "mean burst length %.3g is too short for rate %.3g: it must be at least %.3g frames", l, r, minimum))
        }
        let q = 1 / l
        let p = r / (l * (1 - r))
        return (min(1, p), q)
    }

    /// The stride k of the `every` model for rate R.
    public static func everyStride(rate r: Double) throws(CorpusError) -> Int {
        let k = Int((1 / (1 - r)).rounded())
        guard k >= 2 else { throw .invalidSetting("model 'every' keeps 1 frame in round(1/(1−R)) = \(k): rate \(r) drops nothing (use R ≥ 1/3)") }
        return k
    }

    /// Indices of the surviving frames (the true positions s_i), increasing.
    public static func survivingPositions(_ mask: [Bool]) -> [Int] {
        mask.indices.filter { mask[$0] }
    }

    /// The share of frames the mask drops.
    public static func realisedRate(_ mask: [Bool]) -> Double {
        mask.isEmpty ? 0 : Double(mask.lazy.filter { !$0 }.count) / Double(mask.count)
    }

    /// Mean length of the runs of consecutive lost frames (0 when nothing is lost).
    public static func meanLossRun(_ mask: [Bool]) -> Double {
        var runs = 0, lost = 0, inRun = false
        for keep in mask {
            if !keep { lost += 1; if !inRun { runs += 1 } }
            inRun = !keep
        }
        return runs == 0 ? 0 : Double(lost) / Double(runs)
    }
}
