import Foundation
import Tensor

/// One clip's training material, prepared once and kept in memory.
public struct AliNetTrainingClip: Sendable {
    public var name: String
    /// `count × mouthSize` standardised mouth crops (`AliNetInputs.mouth`), frame i = slot i.
    public var mouths: [Float]
    /// Mean crops over random subsets of the frames (≈ the survivors' mean the aligner will subtract).
    public var means: [[Float]]
    /// `count × segmentSize` slot segments (`AliNetInputs.segments`).
    public var segments: [Float]
    /// Frames (= slots used).
    public var count: Int
    /// Grey thumbnails of the frames (`VisualChange.thumbnail`) for the gap likelihood of `posterior-visual`; empty
    /// when not prepared (old caches).
    public var thumbnails: [[Float]]

    /// Builds the clip; `meanSubsets` mean crops are drawn from random subsets of about `subsetShare` of the frames.
    public init(name: String, mouths: [Float], segments: [Float], count: Int, configuration c: AliNetConfiguration,
                thumbnails: [[Float]] = [], meanSubsets: Int = 6, subsetShare: Double = 0.15,
                seed: UInt64 = 0) throws(AlignmentError) {
        guard count >= 2, mouths.count == count * c.mouthSize, segments.count == count * c.segmentSize else {
            throw .shapeMismatch("training clip \(name): \(count) frames, \(mouths.count) mouth and \(segments.count) segment values")
        }
        guard thumbnails.isEmpty || thumbnails.count == count else {
            throw .shapeMismatch("training clip \(name): \(thumbnails.count) thumbnails for \(count) frames")
        }
        self.name = name
        self.mouths = mouths
        self.segments = segments
        self.count = count
        self.thumbnails = thumbnails
        var rng = SeededGenerator(seed: seed)
        let size = c.mouthSize
        var means = [AliNetInputs.meanCrop(mouths, count: count, size: size)]
        for _ in 0..<meanSubsets {
            let take = max(2, Int(Double(count) * subsetShare))
            let pick = (0..<count).shuffled(using: &rng).prefix(take)
            var m = [Float](repeating: 0, count: size)
            for i in pick { for t in 0..<size { m[t] += mouths[i * size + t] } }
            for t in 0..<size { m[t] /= Float(take) }
            means.append(m)
        }
        self.means = means
    }
}

/// Trains Ali-Net with the triplet loss of Eq. 6 (margin r) on minibatches of frames, or with one of Table III's other
/// objectives on the same encoders and samples (`objective`, see `AliNetObjective`).
///
/// Anchor: a frame's mouth crop (Video-Ali); positive: its own slot's segment (Audio-Ali). Two negatives per
/// anchor, each with its own triplet term: the paper's interfering audio (a segment of the same clip's shuffled
/// audio, i.e. a random other slot of the same clip — same speaker and channel, other content), and ours, a hard
/// negative 1…`hardNegativeRange` slots away, which teaches the fine timing the DP needs. Augmentation: random
/// horizontal flips and ±1 pixel shifts of the crop, and the mean crop subtracted from a random subset of frames.
public final class AliNetTrainer {
    public let network: AliNet
    public let optimizer: Adam
    public var margin: Float
    public var hardNegativeRange: Int
    /// Weight of the hard-negative triplet term (the paper's term has weight 1).
    public var hardNegativeWeight: Float
    public var clipNorm: Float
    /// The training objective (Table III's rows; see `AliNetObjective`).
    public var objective: AliNetObjective = .triplet
    /// `multiway`: candidates per frame (its own slot and this many minus one negatives).
    public var multiwayCandidates: Int = 8
    /// `multiway`: the softmax temperature on distances.
    public var multiwayTemperature: Float = 1
    /// `avenet`: the correspondence head [w, b] on the distance (its own Adam; not part of the saved model, which
    /// keeps only the encoders: retrieval uses the distances).
    public let correspondenceHead = Parameter(name: "avenet.head", value: AliNetObjective.initialHead)
    var headOptimizer: Adam?
    var rng: SeededGenerator

    public init(network: AliNet, learningRate: Float = 2e-4, weightDecay: Float = 1e-4, margin: Float = 1,
                hardNegativeRange: Int = 5, hardNegativeWeight: Float = 1, clipNorm: Float = 5, seed: UInt64 = 1) {
        self.network = network
        optimizer = Adam(parameters: network.parameters, learningRate: learningRate, weightDecay: weightDecay)
        self.margin = margin
        self.hardNegativeRange = max(1, hardNegativeRange)
        self.hardNegativeWeight = hardNegativeWeight
        self.clipNorm = clipNorm
        rng = SeededGenerator(seed: seed)
    }

    /// Restarts the sampling generator (each epoch of a resumable run starts from its own seed).
    public func reseed(_ seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// Loss and triplet accuracy of one step (accuracy: share of triplets with d(a, p) < d(a, n), both kinds).
    public struct StepResult: Sendable {
        public var loss: Float
        public var accuracy: Float
    }

    /// One Adam step on a minibatch of `batchSize` frames drawn uniformly over all frames of `clips`.
    @discardableResult
    public func step(clips: [AliNetTrainingClip], batchSize: Int) throws -> StepResult {
        let c = network.configuration
        let total = clips.reduce(0) { $0 + $1.count }
        guard total > 0, batchSize > 0 else { throw AlignmentError.emptyInput("no training frames") }
        guard objective != .multiway || multiwayCandidates >= 1 else {
            throw AlignmentError.invalidSetting("multi-way matching needs at least one candidate, got \(multiwayCandidates)")
        }
        let ms = c.mouthSize, ss = c.segmentSize, h = c.mouthHeight, w = c.mouthWidth
        var video = [Float](repeating: 0, count: batchSize * ms)
        var positive = [Float](repeating: 0, count: batchSize * ss)
        var shuffled = positive, hard = positive
        var candidates = [Float](repeating: 0, count: objective == .multiway ? batchSize * multiwayCandidates * ss : 0)
        for b in 0..<batchSize {
            var r = Int.random(in: 0..<total, using: &rng)
            var ci = 0
            while r >= clips[ci].count { r -= clips[ci].count; ci += 1 }
            let clip = clips[ci], i = r
            let mean = clip.means[Int.random(in: 0..<clip.means.count, using: &rng)]
            let flip = Bool.random(using: &rng)
            let dx = Int.random(in: -1...1, using: &rng), dy = Int.random(in: -1...1, using: &rng)
            for y in 0..<h {
                let sy = min(h - 1, max(0, y + dy))
                for x in 0..<w {
                    var sx = min(w - 1, max(0, x + dx))
                    if flip { sx = w - 1 - sx }
                    let t = sy * w + sx
                    video[b * ms + y * w + x] = clip.mouths[i * ms + t] - mean[t]
                }
            }
            let (j, hj) = negativeSlots(of: i, count: clip.count)
            for t in 0..<ss {
                positive[b * ss + t] = clip.segments[i * ss + t]
                shuffled[b * ss + t] = clip.segments[j * ss + t]
                hard[b * ss + t] = clip.segments[hj * ss + t]
            }
            if objective == .multiway {
                // Candidates of anchor b: its own slot, then negatives alternating hard and shuffled ones.
                let k = multiwayCandidates
                for m in 0..<k {
                    let slot: Int
                    if m == 0 { slot = i } else if m == 1 { slot = hj } else if m == 2 { slot = j } else {
                        let (oj, ohj) = negativeSlots(of: i, count: clip.count)
                        slot = m % 2 == 1 ? ohj : oj
                    }
                    for t in 0..<ss { candidates[(b * k + m) * ss + t] = clip.segments[slot * ss + t] }
                }
            }
        }
        let tape = Tape()
        let anchor = try network.video(tape.input(Tensor(shape: [batchSize, 1, h, w], scalars: video)))
        let audioShape = [batchSize, 1, c.audioWidth, c.audioCoefficients]
        let pos = try network.audio(tape.input(Tensor(shape: audioShape, scalars: positive)))
        let neg1 = try network.audio(tape.input(Tensor(shape: audioShape, scalars: shuffled)))
        let neg2 = try network.audio(tape.input(Tensor(shape: audioShape, scalars: hard)))
        let loss: Variable
        switch objective {
        case .triplet:
            let l1 = Variable.tripletMarginLoss(anchor: anchor, positive: pos, negative: neg1, margin: margin)
            let l2 = Variable.tripletMarginLoss(anchor: anchor, positive: pos, negative: neg2, margin: margin)
            loss = l1 + l2 * hardNegativeWeight
        case .avenet:
            loss = correspondenceLoss(tape: tape, anchor: anchor, positive: pos, negatives: [neg1, neg2])
        case .multiway:
            let k = multiwayCandidates
            let all = try network.audio(tape.input(Tensor(shape: [batchSize * k, 1, c.audioWidth, c.audioCoefficients],
                                                          scalars: candidates)))
            loss = Variable.multiwayMatchingLoss(anchor: anchor, candidates: all, temperature: multiwayTemperature)
        }
        let accuracy = Self.accuracy(anchor.value, pos.value, [neg1.value, neg2.value])
        tape.backward(loss)
        if clipNorm > 0 { GradientClipping.clipNorm(optimizer.parameters, maxNorm: clipNorm) }
        optimizer.update()
        optimizer.zeroGrad()
        if objective == .avenet { updateCorrespondenceHead() }
        return StepResult(loss: loss.value.scalar, accuracy: accuracy)
    }

    /// A shuffled negative (another slot of the same clip) and a hard one (1 … `hardNegativeRange` slots away) for
    /// slot `i` of a clip of `count` slots.
    func negativeSlots(of i: Int, count: Int) -> (shuffled: Int, hard: Int) {
        var j = Int.random(in: 0..<(count - 1), using: &rng)
        if j >= i { j += 1 }
        var offset = Int.random(in: 1...hardNegativeRange, using: &rng)
        if Bool.random(using: &rng) { offset = -offset }
        var hj = i + offset
        if hj < 0 || hj >= count { hj = i - offset }
        hj = min(count - 1, max(0, hj))
        if hj == i { hj = j }
        return (j, hj)
    }

    static func accuracy(_ a: Tensor, _ p: Tensor, _ negatives: [Tensor]) -> Float {
        let n = a.shape[0], d = a.shape[1]
        let av = a.scalars, pv = p.scalars
        func dist(_ x: [Float], _ i: Int) -> Float {
            var s: Float = 0
            for t in 0..<d { let e = av[i * d + t] - x[i * d + t]; s += e * e }
            return s
        }
        var right = 0
        for neg in negatives {
            let nv = neg.scalars
            for i in 0..<n where dist(pv, i) < dist(nv, i) { right += 1 }
        }
        return Float(right) / Float(max(1, n * negatives.count))
    }
}
