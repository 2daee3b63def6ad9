import Foundation
import Metrics
import Tensor

// MARK: - Settings

/// Hyperparameters of FE-Net training.
public struct FENetTrainingSettings: Codable, Equatable, Sendable {
    public var steps: Int
    public var batch: Int
    public var learningRate: Float
    /// Steps of reconstruction-only training before the discriminator joins (Eq. 20).
    public var warmupSteps: Int
    /// Weight of the adversarial term in the generator's loss once it joins.
    public var adversarialWeight: Float
    /// λ_r, λ_p, λ_w, λ_s of Eq. 15. λ_r and λ_w are the paper's (1.0, 0.8); λ_p weighs our stand-in for the VGG16
    /// perceptual loss (see `FENetLosses.perceptual`), so the paper's 0.005 does not carry over; λ_s is 0.1, not the
    /// paper's 1.0: with flows in frame widths and images in [0, 1], λ_s = 1 collapsed the flows to zero in our first
    /// run (L_s fell 0.0013 → 0.00015 in 250 steps while validation PSNR stayed exactly at the linear blend's).
    public var lambdaR: Float
    public var lambdaP: Float
    public var lambdaW: Float
    public var lambdaS: Float
    /// Weight of our structural term (`FENetLosses.structural`, 1 − two-scale SSIM); 0 = the paper's Eq. 15 only.
    public var lambdaSSIM: Float
    /// Weight of the mouth term (`FENetLosses.mouth`: L1 inside the guidance's mouth mask, ours); 0 = off. Needs
    /// guided batches.
    public var lambdaMouth: Float
    public var seed: UInt64
    /// Joint gradient-norm clip.
    public var clipNorm: Float

    public init(steps: Int = 3000, batch: Int = 8, learningRate: Float = 5e-4, warmupSteps: Int? = nil,
                adversarialWeight: Float = 1e-3, lambdaR: Float = 1.0, lambdaP: Float = 0.5, lambdaW: Float = 0.8,
                lambdaS: Float = 0.1, lambdaSSIM: Float = 0, lambdaMouth: Float = 0, seed: UInt64 = 0, clipNorm: Float = 1.0) {
        self.steps = steps
        self.batch = batch
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps ?? steps * 6 / 10
        self.adversarialWeight = adversarialWeight
        self.lambdaR = lambdaR
        self.lambdaP = lambdaP
        self.lambdaW = lambdaW
        self.lambdaS = lambdaS
        self.lambdaSSIM = lambdaSSIM
        self.lambdaMouth = lambdaMouth
        self.seed = seed
        self.clipNorm = clipNorm
    }

    /// Throws when a hyper-parameter is NaN, infinite or out of range (a NaN learning rate trained a model of NaN
    /// weights and exited 0).
    public func validate() throws(RestorationError) {
        let weights: [(String, Float)] = [("adversarial weight", adversarialWeight), ("λ_r", lambdaR), ("λ_p", lambdaP), ("λ_w", lambdaW),
                                          ("λ_s", lambdaS), ("λ_ssim", lambdaSSIM)]
        for (name, value) in weights where !value.isFinite || value < 0 {
            throw .invalidSetting("FE-Net training: the \(name) must be a finite number ≥ 0, got \(value)")
        }
        guard learningRate.isFinite, learningRate > 0, learningRate < 1 else {
            throw .invalidSetting("FE-Net training: the learning rate must be a finite number in (0, 1), got \(learningRate)")
        }
        guard clipNorm.isFinite, clipNorm > 0 else { throw .invalidSetting("FE-Net training: the gradient clip must be finite and positive, got \(clipNorm)") }
        guard steps >= 1, batch >= 1, warmupSteps >= 0 else { throw .invalidSetting("FE-Net training: steps, batch and warm-up must be positive") }
    }

    /// The learning rate at `step`: constant, then a fifth of it for the last 20 % of the steps.
    public func learningRate(at step: Int) -> Float { step < steps * 8 / 10 ? learningRate : learningRate / 5 }
}

// MARK: - Losses

/// The generator losses of Eqs. 15–19 on one batch.
public enum FENetLosses {
    /// Eq. 16: mean |I_t − Î_t|.
    public static func reconstruction(_ predicted: Variable, _ target: Variable) -> Variable { predicted.l1Loss(target) }

    /// Stand-in for Eq. 17's VGG16 conv4_3 distance (ImageNet weights cannot be had here): L1 between the image
    /// gradients (horizontal and vertical differences) of Î_t and I_t at full and half resolution. It rewards sharp,
    /// correctly placed edges — what the perceptual loss is there for — costs a few element-wise passes, and needs no
    /// pretrained weights.
    public static func perceptual(_ predicted: Variable, _ target: Variable) -> Variable {
        var total = predicted.gradientX().l1Loss(target.gradientX()) + predicted.gradientY().l1Loss(target.gradientY())
        let p2 = predicted.avgPool2d(kernel: 2), t2 = target.avgPool2d(kernel: 2)
        total = total + p2.gradientX().l1Loss(t2.gradientX()) + p2.gradientY().l1Loss(t2.gradientY())
        return total * 0.5
    }

    /// Mean SSIM (Wang et al. 2004: Gaussian window 11×11, σ = 1.5, K1 = 0.01, K2 = 0.03, valid filtering, each
    /// channel, images in [0, 1]) of [N, C, H, W] images, on the tape: the structural term we add to Eq. 15, since
    /// SSIM and MS-SSIM are what Tables II and IV report. Equal to `Metrics.SSIM` on the same pictures (tested);
    /// it lives here because the metric has no backward pass.
    public static func ssim(_ x: Variable, _ y: Variable, constant: (Tensor) -> Variable) throws -> Variable {
        let g = SSIM.windowTaps()
        let c = x.shape[1], size = g.count
        var w: [Float] = []
        w.reserveCapacity(c * size * size)
        for _ in 0..<c { for a in g { for b in g { w.append(a * b) } } }
        let window = constant(try Tensor(shape: [c, 1, size, size], scalars: w))
        let options = Conv2dOptions(groups: c)
        func blur(_ v: Variable) throws -> Variable { try v.conv2d(weight: window, options: options) }
        let mx = try blur(x), my = try blur(y)
        let sxx = try blur(x * x) - mx * mx, syy = try blur(y * y) - my * my, sxy = try blur(x * y) - mx * my
        let c1 = Float(SSIM.k1 * SSIM.k1), c2 = Float(SSIM.k2 * SSIM.k2)
        let numerator = ((mx * my) * 2 + c1) * (sxy * 2 + c2)
        let denominator = (mx * mx + my * my + c1) * (sxx + syy + c2)
        return (numerator / denominator).mean()
    }

    /// 1 − the mean of SSIM at full and at half resolution: a two-scale stand-in for MS-SSIM that fits 128² crops
    /// (five MS-SSIM scales need more than 160 pixels).
    public static func structural(_ predicted: Variable, _ target: Variable, constant: (Tensor) -> Variable) throws -> Variable {
        let full = try ssim(predicted, target, constant: constant)
        let half = try ssim(predicted.avgPool2d(kernel: 2), target.avgPool2d(kernel: 2), constant: constant)
        return (full + half) * -0.5 + 1
    }

    /// The mouth term (ours): Σ m·|Î_t − I_t| / (3·Σ m) with m the guidance's mouth mask at full resolution
    /// ([N, 1, H, W], a constant) — the L1 error inside the mouth, whose pixels are a few percent of the face crop's
    /// and would otherwise weigh as little in the loss.
    public static func mouth(_ predicted: Variable, _ target: Variable, mask: Variable) -> Variable {
        // m ≥ 0, so |m·Î − m·I| = m·|Î − I|: the mean of it over the N·3·H·W values times their count over 3·Σ m.
        let weightSum = max(mask.value.scalars.reduce(0, +) * Float(predicted.shape[1]), 1e-6)
        let count = Float(predicted.value.count)
        return (predicted * mask).l1Loss(target * mask) * (count / weightSum)
    }

    /// Eq. 18: each flow must warp its source onto its target (the gap's flows l↔r and the final t→l, t→r).
    ///
    /// Beyond the paper, the l↔r terms are also taken at the net resolution (`coarse`: the downsampled frames and the
    /// flows as flow_net gives them): a bilinear warp's gradient only sees a one-pixel neighbourhood, and at 1/4
    /// resolution that neighbourhood spans four frame pixels, so flow_net learns large motions from scratch.
    public static func warping(left: Variable, right: Variable, target: Variable, flowLR: Variable, flowRL: Variable,
                               flowTL: Variable, flowTR: Variable,
                               coarse: (left: Variable, right: Variable, flowLR: Variable, flowRL: Variable)? = nil) -> Variable {
        var total = left.l1Loss(right.warped(by: flowLR)) + right.l1Loss(left.warped(by: flowRL))
            + target.l1Loss(left.warped(by: flowTL)) + target.l1Loss(right.warped(by: flowTR))
        if let c = coarse {
            total = total + c.left.l1Loss(c.right.warped(by: c.flowLR)) + c.right.l1Loss(c.left.warped(by: c.flowRL))
        }
        return total
    }

    /// Eq. 19: mean |∇F| of the gap's flows, with flows measured in frame widths (so the weight does not depend on
    /// the resolution).
    public static func smoothness(_ flows: [Variable], constant: (Tensor) -> Variable) -> Variable {
        var total: Variable?
        for f in flows {
            let gx = f.gradientX(), gy = f.gradientY()
            let term = (gx.l1Loss(constant(Tensor(zeros: gx.shape))) + gy.l1Loss(constant(Tensor(zeros: gy.shape))))
                * (1 / Float(f.shape[3]))
            total = total.map { $0 + term } ?? term
        }
        return total ?? constant(Tensor(zeros: [1]))
    }
}

/// Loss values of one step (for progress lines).
public struct FENetStepLosses: Sendable, Codable {
    public var total: Float
    public var reconstruction: Float
    public var perceptual: Float
    public var warping: Float
    public var smoothness: Float
    public var adversarial: Float?
    public var discriminator: Float?
    /// 1 − two-scale SSIM, when its weight is on.
    public var structural: Float?
    /// The mouth term, when its weight is on.
    public var mouth: Float?
}

// MARK: - Trainer

/// Trains FE-Net's generator (Eqs. 15–19) and, after the warm-up, its audio-conditioned discriminator (Eq. 20).
public final class FENetTrainer {
    public let generator: FENet
    public let discriminator: FENetDiscriminator
    public let settings: FENetTrainingSettings
    let adamG: Adam
    let adamD: Adam
    /// Steps taken so far (restored from checkpoints).
    public private(set) var step = 0

    /// A trainer of a fresh generator; a configuration whose trunk is RIFE (FE-Net v2) needs RIFE's IFNet as `trunk`,
    /// which stays frozen (its flows are constants on the tape; only audio, refine and inter nets are trained).
    public init(config: FENetConfig = FENetConfig(), settings: FENetTrainingSettings, trunk: IFNet? = nil) throws {
        try settings.validate()
        generator = try FENet(config: config, seed: settings.seed, trunk: trunk)
        discriminator = FENetDiscriminator(audioInput: config.audioInput, seed: settings.seed &+ 1)
        self.settings = settings
        adamG = Adam(parameters: generator.parameters, learningRate: settings.learningRate, beta1: 0.9, beta2: 0.999)
        adamD = Adam(parameters: discriminator.parameters, learningRate: settings.learningRate, beta1: 0.5, beta2: 0.999)
    }

    /// One generator step (and one discriminator step once the warm-up is over); returns the loss values.
    @discardableResult
    public func trainStep(_ batch: FENetBatch) throws -> FENetStepLosses {
        let adversarial = step >= settings.warmupSteps && settings.adversarialWeight > 0
        adamG.learningRate = settings.learningRate(at: step)
        adamD.learningRate = settings.learningRate(at: step)

        // Generator.
        let tape = Tape()
        let c: (Tensor) -> Variable = { tape.input($0) }
        let left = tape.input(batch.left), right = tape.input(batch.right), target = tape.input(batch.target)
        let state = try generator.gap(left: left, right: right, constant: c)
        let out = try generator.synthesize(state, v: batch.v, audioL: batch.audioL, audioT: batch.audioT, audioR: batch.audioR,
                                           present: batch.present, guidance: batch.guidance, constant: c)
        let H = batch.left.shape[2], W = batch.left.shape[3]
        let h = state.flowLR.shape[2], w = state.flowLR.shape[3]
        let scale = c(try Tensor(shape: [1, 2, 1, 1], scalars: [Float(W) / Float(w), Float(H) / Float(h)]))
        let flowLR = state.flowLR.resizedBilinear(height: H, width: W) * scale
        let flowRL = state.flowRL.resizedBilinear(height: H, width: W) * scale
        let lr = FENetLosses.reconstruction(out.frame, target)
        let lp = FENetLosses.perceptual(out.frame, target)
        // With the frozen RIFE trunk the l↔r flows are constants: their warping and smoothness terms carry no gradient,
        // so only the t→l, t→r terms of Eq. 18 are taken and L_s (Eq. 19) is left out.
        let trained = generator.flowNet != nil
        let lw = trained
            ? FENetLosses.warping(left: left, right: right, target: target, flowLR: flowLR, flowRL: flowRL,
                                  flowTL: out.flowTL, flowTR: out.flowTR,
                                  coarse: (state.leftSmall, state.rightSmall, state.flowLR, state.flowRL))
            : target.l1Loss(left.warped(by: out.flowTL)) + target.l1Loss(right.warped(by: out.flowTR))
        let ls = trained ? FENetLosses.smoothness([state.flowLR, state.flowRL], constant: c) : c(Tensor(zeros: [1]))
        var total = lr * settings.lambdaR + lp * settings.lambdaP + lw * settings.lambdaW + ls * settings.lambdaS
        var structural: Float?
        if settings.lambdaSSIM > 0 {
            let lssim = try FENetLosses.structural(out.frame, target, constant: c)
            structural = lssim.value.scalar
            total = total + lssim * settings.lambdaSSIM
        }
        var mouthValue: Float?
        if settings.lambdaMouth > 0 {
            guard let rows = batch.guidance else {
                throw RestorationError.invalidSetting("FE-Net training: the mouth term needs guided samples (their mouth spots)")
            }
            let lm = FENetLosses.mouth(out.frame, target, mask: c(try FENetGuidance.mask(rows, height: H, width: W)))
            mouthValue = lm.value.scalar
            total = total + lm * settings.lambdaMouth
        }
        var advValue: Float?
        let audioT = c(batch.audioT.scaledRows(batch.present))
        if adversarial {
            let fakeLogits = try discriminator(frame: out.frame, audio: audioT, constant: c)
            let adv = fakeLogits.bceWithLogitsLoss(c(Tensor(shape: fakeLogits.shape, repeating: 1)))
            advValue = adv.value.scalar
            total = total + adv * settings.adversarialWeight
        }
        // A non-finite loss stops training before it reaches the weights: the last checkpoint stays the last good one.
        guard total.value.scalar.isFinite else {
            throw RestorationError.nonFinite("the generator loss at step \(step + 1) is \(total.value.scalar); training stopped (the last checkpoint is kept)")
        }
        tape.backward(total)
        GradientClipping.clipNorm(adamG.parameters, maxNorm: settings.clipNorm)
        adamG.update()
        generator.zeroGrad()
        discriminator.zeroGrad()

        // Discriminator (Eq. 20): real (I_t, M_t) → 1, restored (Î_t, M_t) → 0.
        var dValue: Float?
        if adversarial {
            let dt = Tape()
            let dc: (Tensor) -> Variable = { dt.input($0) }
            let audio = dt.input(batch.audioT.scaledRows(batch.present))
            let real = try discriminator(frame: dt.input(batch.target), audio: audio, constant: dc)
            let fake = try discriminator(frame: dt.input(out.frame.value), audio: audio, constant: dc)
            let loss = real.bceWithLogitsLoss(dc(Tensor(shape: real.shape, repeating: 1)))
                + fake.bceWithLogitsLoss(dc(Tensor(zeros: fake.shape)))
            dValue = loss.value.scalar
            guard loss.value.scalar.isFinite else {
                throw RestorationError.nonFinite("the discriminator loss at step \(step + 1) is \(loss.value.scalar); training stopped (the last checkpoint is kept)")
            }
            dt.backward(loss)
            GradientClipping.clipNorm(adamD.parameters, maxNorm: settings.clipNorm)
            adamD.update()
            discriminator.zeroGrad()
        }
        if let bad = generator.firstNonFiniteParameter ?? discriminator.firstNonFiniteParameter {
            throw RestorationError.nonFinite("weight \(bad) turned non-finite at step \(step + 1); training stopped (the last checkpoint is kept)")
        }
        step += 1
        return FENetStepLosses(total: total.value.scalar, reconstruction: lr.value.scalar, perceptual: lp.value.scalar,
                               warping: lw.value.scalar, smoothness: ls.value.scalar, adversarial: advValue, discriminator: dValue,
                               structural: structural, mouth: mouthValue)
    }

    /// Restored frames for a batch, clamped to [0, 1] (inference: nothing recorded).
    public func predict(_ batch: FENetBatch) throws -> Tensor {
        let state = try generator.gap(left: Detached.variable(batch.left), right: Detached.variable(batch.right),
                                      constant: Detached.variable)
        let out = try generator.synthesize(state, v: batch.v, audioL: batch.audioL, audioT: batch.audioT, audioR: batch.audioR,
                                           present: batch.present, guidance: batch.guidance, constant: Detached.variable)
        return out.frame.value.map { min(max($0, 0), 1) }
    }

    /// Mean PSNR (dB, Float frames, per sample) of FE-Net and of the linear blend on `batches`.
    public func validate(_ batches: [FENetBatch]) throws -> (fenet: Double, blend: Double) {
        var ours: [Double] = [], blend: [Double] = []
        for b in batches {
            let p = try predict(b)
            let n = b.left.shape[0], per = b.left.count / max(n, 1)
            let t = b.target.scalars, l = b.left.scalars, r = b.right.scalars, ps = p.scalars
            for i in 0..<n {
                var e1 = 0.0, e2 = 0.0
                let v = b.v[i]
                for j in (i * per)..<((i + 1) * per) {
                    let d1 = Double(ps[j] - t[j]), d2 = Double(l[j] + v * (r[j] - l[j]) - t[j])
                    e1 += d1 * d1
                    e2 += d2 * d2
                }
                ours.append(10 * log10(1 / max(e1 / Double(per), 1e-10)))
                blend.append(10 * log10(1 / max(e2 / Double(per), 1e-10)))
            }
        }
        let m: ([Double]) -> Double = { $0.isEmpty ? 0 : $0.reduce(0, +) / Double($0.count) }
        return (m(ours), m(blend))
    }

    // MARK: Checkpoints

    /// Starts the generator from a trained model file (fine-tuning) and returns that file's metadata; throws
    /// `.invalidModel` when the file is not an FE-Net generator of this architecture. The trunk may differ: FE-Net v2
    /// (RIFE trunk) starts its audio, refine and inter nets from a `flow_net` FE-Net of the same widths (the head
    /// start), whose `flow_net` is then not used. A guided generator (`fenet-lips`) starts from an unguided one of the
    /// same widths: the first convolutions of `refine_net` and `inter_net` get zero weights for the guidance channels,
    /// so training starts from exactly the unguided model's output.
    @discardableResult
    public func loadGenerator(from path: String) throws(RestorationError) -> [String: String] {
        let file: SafeTensorsFile
        do { file = try SafeTensors.read(path: path) } catch {
            throw .invalidModel(path: path, reason: (error as? TensorError)?.reason ?? "\(error)")
        }
        let (net, metadata) = try FENet.load(file: file, path: path, trunk: generator.trunk)
        let expanding = net.config.guidance == nil && generator.config.guidance != nil
        let target = generator.config.withoutTrunk
        guard net.config.withoutTrunk == (expanding ? target.withoutGuidance : target) else {
            throw .invalidModel(path: path, reason: "a generator of another architecture (\(net.config.json)) than the one trained here (\(generator.config.json))")
        }
        var state = net.stateDict
        if expanding {
            do { state = try Self.padInputChannels(state, to: generator.stateDict) } catch {
                throw .invalidModel(path: path, reason: "cannot widen its inputs for the lip guidance: \(error)")
            }
        }
        do { try generator.load(stateDict: state) } catch {
            throw .invalidModel(path: path, reason: (error as? TensorError)?.reason ?? "\(error)")
        }
        return metadata
    }

    /// `source`'s tensors, each convolution weight [O, I, k, k] whose counterpart in `target` has more input channels
    /// [O, I + G, k, k] padded with zero weights for the G new (last) input channels.
    static func padInputChannels(_ source: [String: Tensor], to target: [String: Tensor]) throws -> [String: Tensor] {
        var out = source
        for (name, t) in source {
            guard let want = target[name], want.shape != t.shape else { continue }
            let a = t.shape, b = want.shape
            guard a.count == 4, b.count == 4, a[0] == b[0], a[2] == b[2], a[3] == b[3], b[1] > a[1] else {
                throw RestorationError.invalidModel(path: name, reason: "shape \(a) cannot become \(b)")
            }
            let k = a[2] * a[3]
            var values = [Float](repeating: 0, count: b.reduce(1, *))
            let src = t.scalars
            for o in 0..<a[0] {
                for i in 0..<a[1] {
                    for j in 0..<k { values[(o * b[1] + i) * k + j] = src[(o * a[1] + i) * k + j] }
                }
            }
            out[name] = try Tensor(shape: b, scalars: values)
        }
        return out
    }

    /// Saves generator, discriminator, both optimizers and the step (atomically).
    public func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        var tensors = generator.stateDict
        tensors.merge(discriminator.stateDict) { a, _ in a }
        tensors.merge(adamG.stateTensors) { a, _ in a }
        tensors.merge(adamD.stateTensors) { a, _ in a }
        var meta = metadata
        meta["checkpoint.step"] = String(step)
        meta["adam.g.step"] = String(adamG.step)
        meta["adam.d.step"] = String(adamD.step)
        meta[FENet.configKey] = generator.config.json
        try SafeTensors.write(tensors: tensors, metadata: meta, to: path, reclaimable: true)
    }

    /// Restores a checkpoint written by `saveCheckpoint` and returns its metadata; throws `.invalidModel` when it does
    /// not fit.
    @discardableResult
    public func loadCheckpoint(from path: String) throws -> [String: String] {
        do {
            let file = try SafeTensors.read(path: path)
            guard let s = file.metadata["checkpoint.step"].flatMap(Int.init) else {
                throw RestorationError.invalidModel(path: path, reason: "not a checkpoint (no checkpoint.step)")
            }
            guard file.metadata[FENet.configKey] == generator.config.json else {
                throw RestorationError.invalidModel(path: path, reason: "checkpoint of another architecture")
            }
            try generator.load(stateDict: file.tensors)
            try discriminator.load(stateDict: file.tensors)
            try adamG.restore(state: file.tensors, step: file.metadata["adam.g.step"].flatMap(Int.init) ?? s)
            try adamD.restore(state: file.tensors, step: file.metadata["adam.d.step"].flatMap(Int.init) ?? 0)
            step = s
            return file.metadata
        } catch let e as RestorationError {
            throw e
        } catch {
            throw RestorationError.invalidModel(path: path, reason: (error as? TensorError)?.reason ?? "\(error)")
        }
    }
}

extension Tensor {
    /// Row i of a [N, D] matrix multiplied by `factors[i]` (zeroes the audio of samples without audio).
    func scaledRows(_ factors: [Float]) -> Tensor {
        var out = self
        let n = shape[0], d = count / max(n, 1)
        out.withUnsafeMutablePointer { p in
            for i in 0..<n where factors[i] != 1 { for j in 0..<d { p[i * d + j] *= factors[i] } }
        }
        return out
    }
}
