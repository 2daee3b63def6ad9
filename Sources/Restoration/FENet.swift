import Foundation
import Tensor

// MARK: - Configuration

/// The shape of an FE-Net generator: widths, depth and the working scale of its sub-networks.
///
/// Sizes were chosen by the frame budget (≥ 30 restored frames/s at 256² on two CPU cores): every sub-network runs at
/// 1/`scale` of the frame size, only the final warps and the blend (Eqs. 12–14) run at full resolution, and the
/// bi-directional flow is computed once per gap.
public struct FENetConfig: Codable, Equatable, Sendable {
    /// Sub-networks run at 1/scale of the frame's side.
    public var scale: Int
    /// U-Net widths of `flow_net` (one entry per level; each level after the first halves the resolution).
    public var flowWidths: [Int]
    /// U-Net widths of `refine_net`.
    public var refineWidths: [Int]
    /// U-Net widths of `inter_net`.
    public var interWidths: [Int]
    /// Values per audio segment (MFCC-13 × 5-segment context = 65).
    public var audioInput: Int
    /// Hidden width of `audio_net`.
    public var audioHidden: Int
    /// Channels of each audio feature map P (broadcast over the flow resolution).
    public var audioChannels: Int
    /// Where the gap's flows F_l→r, F_r→l come from; nil is `flow_net` (files written before FE-Net v2 carry no key,
    /// and their configuration JSON stays byte for byte what it was).
    public var trunk: Trunk?
    /// With the RIFE trunk: IFNet runs on the gap's frames at 1/`trunkScale` of the frame's side (nil: 2).
    public var trunkScale: Int?
    /// Extra inputs of `refine_net` and `inter_net` beside the audio maps; nil is none (files written before the lip
    /// guidance carry no key, and their configuration JSON stays byte for byte what it was).
    public var guidance: Guidance?

    /// What guides the synthesis of the mouth besides the audio maps P.
    public enum Guidance: String, Codable, Sendable {
        /// The audio-predicted lip geometry's departure from interpolation, placed at the mouth
        /// (`FENetGuidance`; the `fenet-lips` method).
        case lips
    }

    /// The network that estimates the gap's bi-directional flow.
    public enum Trunk: String, Codable, Sendable {
        /// FE-Net's own U-Net, trained with the rest (paper Sec. IV-C).
        case flowNet = "flow_net"
        /// RIFE HDv3's pretrained IFNet, frozen (FE-Net v2, the `fenet2` method).
        case rife
    }

    public init(scale: Int = 4, flowWidths: [Int] = [24, 32, 48], refineWidths: [Int] = [16, 24, 32],
                interWidths: [Int] = [24, 32, 48], audioInput: Int = 65, audioHidden: Int = 32, audioChannels: Int = 4,
                trunk: Trunk? = nil, trunkScale: Int? = nil, guidance: Guidance? = nil) {
        self.scale = scale
        self.flowWidths = flowWidths
        self.refineWidths = refineWidths
        self.interWidths = interWidths
        self.audioInput = audioInput
        self.audioHidden = audioHidden
        self.audioChannels = audioChannels
        self.trunk = trunk
        self.trunkScale = trunkScale
        self.guidance = guidance
    }

    /// Channels of the guidance maps given to `refine_net` and `inter_net` (0 without guidance).
    public var guidanceChannels: Int { guidance == .lips ? FENetGuidance.channels : 0 }

    /// This configuration with the lip guidance (`fenet-lips`).
    public func withLipGuidance() -> FENetConfig {
        var c = self
        c.guidance = .lips
        return c
    }

    /// The configuration without its guidance: what a guided generator and the one it was expanded from share.
    var withoutGuidance: FENetConfig {
        var c = self
        c.guidance = nil
        return c
    }

    /// Whether the flows come from RIFE's IFNet (then the model has no `flow_net`).
    public var usesRIFETrunk: Bool { trunk == .rife }
    /// IFNet's input is the frame's side divided by this.
    public var rifeInputDivisor: Int { trunkScale ?? 2 }

    /// This configuration with `flow_net` replaced by the RIFE trunk at 1/`scale` of the frame (FE-Net v2).
    public func withRIFETrunk(scale: Int = 2) -> FENetConfig {
        var c = self
        c.trunk = .rife
        c.trunkScale = scale
        return c
    }

    /// The configuration without its trunk settings: what two generators whose refine, inter and audio nets can
    /// exchange weights have in common.
    var withoutTrunk: FENetConfig {
        var c = self
        c.trunk = nil
        c.trunkScale = nil
        return c
    }

    /// A very small network for tests.
    public static let tiny = FENetConfig(scale: 2, flowWidths: [4, 6], refineWidths: [4, 4], interWidths: [4, 6],
                                         audioInput: 65, audioHidden: 4, audioChannels: 2)

    /// Checks the values; throws `.invalidModel` on nonsense.
    public func validate() throws(RestorationError) {
        let all = flowWidths + refineWidths + interWidths + [audioInput, audioHidden, audioChannels]
        guard scale >= 1, scale <= 16, !flowWidths.isEmpty, !refineWidths.isEmpty, !interWidths.isEmpty,
              all.allSatisfy({ $0 >= 1 && $0 <= 1024 }), max(flowWidths.count, refineWidths.count, interWidths.count) <= 5,
              (1...8).contains(trunkScale ?? 2)
        else { throw .invalidModel(path: "", reason: "invalid FE-Net configuration \(self)") }
        // Widths of 1024 at five levels build ~2 GB of weights for a minute before anything else is checked.
        guard parameterCount <= Self.maxParameters else {
            throw .invalidModel(path: "", reason: "FE-Net configuration of \(parameterCount) parameters exceeds the limit of \(Self.maxParameters) (\(Self.maxParameters * 4 / 1_000_000) MB of Float32 weights; the shipped model has \(FENetConfig().parameterCount))")
        }
    }

    /// The most parameters a configuration may have: 8 M, 32 MB of Float32 weights (the shipped model has about
    /// 0.2 M; a frame budget of real time on a CPU allows far less than the limit).
    public static let maxParameters = 8_000_000

    /// The generator's parameter count (weights and biases of every layer), computed from the widths alone, before
    /// any weight is allocated. Widths are validated to at most 1024 and five levels, so this cannot overflow.
    public var parameterCount: Int {
        func conv(_ i: Int, _ o: Int) -> Int { o * i * 9 + o }
        func unet(_ cin: Int, _ cout: Int, _ w: [Int]) -> Int {
            guard let first = w.first else { return 0 }
            var total = 0, previous = cin
            for x in w {
                total += conv(previous, x) + conv(x, x)
                previous = x
            }
            for i in stride(from: w.count - 2, through: 0, by: -1) { total += conv(w[i + 1] + w[i], w[i]) }
            return total + conv(first, cout)
        }
        let audio = audioInput * audioHidden + audioHidden + audioHidden * audioChannels + audioChannels
        return audio + (usesRIFETrunk ? 0 : unet(6, 4, flowWidths)) + unet(refineInput, 4, refineWidths) + unet(interInput, 5, interWidths)
    }

    /// Input channels of `refine_net`: F_l→r, F_r→l, the linear-motion F_t→l, F_t→r (2 each), the two frames, P_t, the
    /// audio-present flag and v, then the guidance maps.
    var refineInput: Int { 8 + 6 + audioChannels + 2 + guidanceChannels }
    /// Input channels of `inter_net`: I_l, P_l, F̂_t→l, Î_t→l, P_t, Î_t→r, F̂_t→r, P_r, I_r, flag, v, then the guidance
    /// maps.
    var interInput: Int { 3 + 2 + 3 + 3 + 2 + 3 + 3 * audioChannels + 2 + guidanceChannels }
    /// Levels of the deepest U-Net: frame sides at net resolution must be divisible by 2^(levels−1).
    var levels: Int { max(usesRIFETrunk ? 1 : flowWidths.count, refineWidths.count, interWidths.count) }

    /// The JSON form stored in model files.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

// MARK: - U-Net

/// A small U-Net: per level two 3×3 convolutions with LeakyReLU(0.1), 2×2 average pooling down, bilinear ×2 up,
/// skip concatenation, one 3×3 convolution per decoder level and a 3×3 linear head.
final class FENetUNet: Module {
    let encoder: [[Conv2d]]
    let decoder: [Conv2d]
    let head: Conv2d

    var parameters: [Parameter] { encoder.flatMap { $0.flatMap(\.parameters) } + decoder.flatMap(\.parameters) + head.parameters }

    init(name: String, inChannels: Int, outChannels: Int, widths: [Int], headStd: Float,
         generator: inout some RandomNumberGenerator) {
        var enc: [[Conv2d]] = []
        var previous = inChannels
        for (i, w) in widths.enumerated() {
            enc.append([
                Conv2d(name: "\(name).enc\(i).0", inChannels: previous, outChannels: w, kernelSize: 3, padding: 1,
                       std: FENetUNet.heStd(previous * 9), generator: &generator),
                Conv2d(name: "\(name).enc\(i).1", inChannels: w, outChannels: w, kernelSize: 3, padding: 1,
                       std: FENetUNet.heStd(w * 9), generator: &generator),
            ])
            previous = w
        }
        var dec: [Conv2d] = []
        for i in stride(from: widths.count - 2, through: 0, by: -1) {
            let cin = widths[i + 1] + widths[i]
            dec.append(Conv2d(name: "\(name).dec\(i)", inChannels: cin, outChannels: widths[i], kernelSize: 3, padding: 1,
                              std: FENetUNet.heStd(cin * 9), generator: &generator))
        }
        encoder = enc
        decoder = dec
        head = Conv2d(name: "\(name).head", inChannels: widths[0], outChannels: outChannels, kernelSize: 3, padding: 1,
                      std: headStd, generator: &generator)
    }

    /// He initialisation for LeakyReLU layers (trains faster than N(0, 0.02) from scratch in the short budget).
    static func heStd(_ fanIn: Int) -> Float { (2 / Float(max(fanIn, 1))).squareRoot() }

    func callAsFunction(_ x: Variable) throws -> Variable {
        var skips: [Variable] = []
        var h = x
        for (i, level) in encoder.enumerated() {
            if i > 0 { h = h.avgPool2d(kernel: 2) }
            for conv in level { h = try conv(h).leakyReLU(0.1) }
            skips.append(h)
        }
        for (j, conv) in decoder.enumerated() {
            let skip = skips[skips.count - 2 - j]
            h = try conv(Variable.concatChannels([h.resizedBilinear(height: skip.shape[2], width: skip.shape[3]), skip])).leakyReLU(0.1)
        }
        return try head(h)
    }

    /// Multiply-adds ×2 of one forward pass at net resolution h×w.
    func flops(height h: Int, width w: Int) -> Double {
        var total = 0.0
        var hh = h, ww = w
        func conv(_ c: Conv2d, _ a: Int, _ b: Int) -> Double {
            let s = c.weight.value.shape
            return 2 * Double(s[0] * s[1] * s[2] * s[3] * a * b)
        }
        var sizes: [(Int, Int)] = []
        for (i, level) in encoder.enumerated() {
            if i > 0 { hh /= 2; ww /= 2 }
            sizes.append((hh, ww))
            for c in level { total += conv(c, hh, ww) }
        }
        for (j, c) in decoder.enumerated() {
            let (a, b) = sizes[sizes.count - 2 - j]
            total += conv(c, a, b)
        }
        return total + conv(head, h, w)
    }
}

// MARK: - Generator

/// FE-Net's generator (paper Sec. IV-C, Fig. 8): `audio_net`, `flow_net`, `refine_net` and `inter_net`.
///
/// FE-Net v2 (`fenet2`) replaces `flow_net` by RIFE HDv3's pretrained IFNet (`trunk`, frozen: its flows enter the
/// computation as constants); everything after the gap's flows is the same code.
///
/// Written once over `Variable`s: training records on a tape, inference passes detached variables (no tape, nothing
/// recorded). Flows are in pixels of the resolution they live at; channel 0 is horizontal, 1 vertical.
public final class FENet: Module {
    public let config: FENetConfig
    let audioHidden: Linear
    let audioOut: Linear
    /// FE-Net's own flow U-Net; nil with the RIFE trunk.
    let flowNet: FENetUNet?
    /// RIFE's IFNet when the configuration's trunk is RIFE (not a parameter of this module: never trained or saved).
    public let trunk: IFNet?
    let refineNet: FENetUNet
    let interNet: FENetUNet

    public var parameters: [Parameter] {
        audioHidden.parameters + audioOut.parameters + (flowNet?.parameters ?? []) + refineNet.parameters + interNet.parameters
    }

    /// A freshly initialised generator; a configuration whose trunk is RIFE needs the loaded IFNet as `trunk`
    /// (`.invalidModel` naming the set-up step otherwise).
    public init(config: FENetConfig = FENetConfig(), seed: UInt64 = 0, trunk: IFNet? = nil) throws(RestorationError) {
        try config.validate()
        if config.usesRIFETrunk, trunk == nil {
            throw .invalidModel(path: "rife.safetensors", reason: "FE-Net v2's flow trunk is RIFE HDv3 and no RIFE weights were given; \(IFNet.setupHint)")
        }
        self.config = config
        self.trunk = config.usesRIFETrunk ? trunk : nil
        var g = SeededGenerator(seed: seed)
        audioHidden = Linear(name: "audio_net.0", inFeatures: config.audioInput, outFeatures: config.audioHidden,
                             std: FENetUNet.heStd(config.audioInput), generator: &g)
        audioOut = Linear(name: "audio_net.1", inFeatures: config.audioHidden, outFeatures: config.audioChannels,
                          std: FENetUNet.heStd(config.audioHidden), generator: &g)
        // Drawn with the RIFE trunk too, so the later nets' initial weights do not depend on the trunk.
        let flow = FENetUNet(name: "flow_net", inChannels: 6, outChannels: 4, widths: config.flowWidths, headStd: 0.02, generator: &g)
        flowNet = config.usesRIFETrunk ? nil : flow
        refineNet = FENetUNet(name: "refine_net", inChannels: config.refineInput, outChannels: 4, widths: config.refineWidths,
                              headStd: 0.002, generator: &g)
        interNet = FENetUNet(name: "inter_net", inChannels: config.interInput, outChannels: 5, widths: config.interWidths,
                             headStd: 0.002, generator: &g)
    }

    // MARK: Geometry

    /// The net resolution for a frame of `height`×`width`: 1/scale, rounded to a multiple of 2^(levels−1).
    public func netSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let m = 1 << (config.levels - 1)
        func side(_ s: Int) -> Int { max(m, Int((Double(s) / Double(config.scale) / Double(m)).rounded()) * m) }
        return (side(height), side(width))
    }

    // MARK: Forward

    /// What is computed once per gap: the frames at full and net resolution and the flows F_l→r, F_r→l (Eq. 12's inputs).
    public struct GapState {
        public let left: Variable
        public let right: Variable
        public let leftSmall: Variable
        public let rightSmall: Variable
        /// F_l→r and F_r→l at net resolution, [N, 2, h, w] each.
        public let flowLR: Variable
        public let flowRL: Variable
    }

    /// One synthesized frame and the flows behind it (for the losses of Eqs. 15–19).
    public struct Output {
        /// Î_t, [N, 3, H, W] (not clamped).
        public let frame: Variable
        /// Final F_t→l and F_t→r at full resolution.
        public let flowTL: Variable
        public let flowTR: Variable
        /// The visibility map W, [N, 1, H, W].
        public let visibility: Variable
    }

    /// Runs the flow trunk on the gap's two frames ([N, 3, H, W] each): `flow_net` on the tape, or RIFE's IFNet on
    /// the frames at 1/`trunkScale` of their side, whose flows are resized to the net resolution (vectors scaled) and
    /// lifted by `constant` (no gradient reaches RIFE).
    public func gap(left: Variable, right: Variable, constant: (Tensor) -> Variable) throws -> GapState {
        let H = left.shape[2], W = left.shape[3]
        let (h, w) = netSize(height: H, width: W)
        let ls = downsample(left, h, w), rs = downsample(right, h, w)
        if let flowNet {
            let flows = try flowNet(Variable.concatChannels([ls, rs]))
            return GapState(left: left, right: right, leftSmall: ls, rightSmall: rs,
                            flowLR: flows.channels(0..<2), flowRL: flows.channels(2..<4))
        }
        guard let trunk else { throw RestorationError.invalidModel(path: "", reason: "FE-Net has neither flow_net nor a RIFE trunk") }
        let (rh, rw) = rifeInputSize(height: H, width: W)
        let flows = try trunk.gapFlows(left.value, right.value, inputHeight: rh, inputWidth: rw, outHeight: h, outWidth: w)
        return GapState(left: left, right: right, leftSmall: ls, rightSmall: rs, flowLR: constant(flows.lr), flowRL: constant(flows.rl))
    }

    /// IFNet's input size for frames of `height`×`width` with the RIFE trunk: 1/`trunkScale` of each side, at least 32
    /// (IFNet's coarsest block works at 1/32).
    public func rifeInputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let d = config.rifeInputDivisor
        return (max(32, height / d), max(32, width / d))
    }

    /// `audio_net`: P for segments [N, audioInput], zeroed where `present` is 0 → [N, audioChannels].
    func audioFeatures(_ segments: Variable, present: Variable) throws -> Variable {
        let p = try audioOut(try audioHidden(segments).leakyReLU(0.1)).tanh()
        return p * present
    }

    /// Synthesizes Î_t for per-sample positions `v` ∈ (0, 1) and audio segments of slots l, t, r ([N, audioInput] each;
    /// `present[n]` = 1 when sample n has audio, else its segments are ignored). `constant` lifts a tensor onto the
    /// computation (`Tape.input` when training, a detached variable for inference).
    ///
    /// A guided generator (`config.guidance`) also takes `guidance`, one `FENetGuidance` row per sample ([N, rowWidth]);
    /// nil gives every sample `FENetGuidance.neutralRow` (no audio, the prior mouth spot).
    public func synthesize(_ s: GapState, v: [Float], audioL: Tensor, audioT: Tensor, audioR: Tensor, present: [Float],
                           guidance: Tensor? = nil, constant: (Tensor) -> Variable) throws -> Output {
        let n = s.left.shape[0], H = s.left.shape[2], W = s.left.shape[3]
        let h = s.flowLR.shape[2], w = s.flowLR.shape[3]
        guard v.count == n && present.count == n else {
            throw RestorationError.frameSizeMismatch("FE-Net needs one v and one audio flag per sample: \(n) samples, \(v.count) v, \(present.count) flags")
        }
        func perSample(_ values: [Float]) throws -> Variable {
            constant(try Tensor(shape: [n, 1, 1, 1], scalars: values))
        }
        let zerosSmall = constant(Tensor(zeros: [n, 1, h, w]))
        func map(_ values: [Float]) throws -> Variable { try perSample(values) + zerosSmall }
        let presentColumn = constant(try Tensor(shape: [n, 1], scalars: present))
        func audioMap(_ a: Tensor) throws -> Variable {
            let p = try audioFeatures(constant(a), present: presentColumn)
            return try p.reshaped([n, config.audioChannels, 1, 1]) + constant(Tensor(zeros: [n, config.audioChannels, h, w]))
        }
        let pl = try audioMap(audioL), pt = try audioMap(audioT), pr = try audioMap(audioR)
        let flag = try map(present), vMap = try map(v)
        var guide: [Variable] = []
        if config.guidanceChannels > 0 {
            let rows = try guidance ?? Tensor(shape: [n, FENetGuidance.rowWidth],
                                              scalars: (0..<n).flatMap { _ in FENetGuidance.neutralRow })
            guard rows.shape == [n, FENetGuidance.rowWidth] else {
                throw RestorationError.audioMismatch("lip guidance of shape \(rows.shape) for \(n) samples (needs [\(n), \(FENetGuidance.rowWidth)])")
            }
            guide = [constant(try FENetGuidance.maps(rows, height: h, width: w))]
        }

        // Super-SloMo's linear-motion intermediate flows, refined by refine_net (residuals).
        let a0 = try perSample(v.map { -(1 - $0) * $0 }), a1 = try perSample(v.map { $0 * $0 })
        let b0 = try perSample(v.map { (1 - $0) * (1 - $0) }), b1 = try perSample(v.map { -$0 * (1 - $0) })
        let initTL = s.flowLR * a0 + s.flowRL * a1
        let initTR = s.flowLR * b0 + s.flowRL * b1
        let refine = try refineNet(Variable.concatChannels([s.flowLR, s.flowRL, initTL, initTR, s.leftSmall, s.rightSmall,
                                                            pt, flag, vMap] + guide))
        let hatTL = initTL + refine.channels(0..<2), hatTR = initTR + refine.channels(2..<4)

        // Eq. 12 at net resolution, then inter_net → final flow residuals and W.
        let warpL = s.leftSmall.warped(by: hatTL), warpR = s.rightSmall.warped(by: hatTR)
        let inter = try interNet(Variable.concatChannels([s.leftSmall, pl, hatTL, warpL, pt, warpR, hatTR, pr, s.rightSmall,
                                                          flag, vMap] + guide))
        let smallTL = hatTL + inter.channels(0..<2), smallTR = hatTR + inter.channels(2..<4)
        let flowScale = constant(try Tensor(shape: [1, 2, 1, 1], scalars: [Float(W) / Float(w), Float(H) / Float(h)]))
        let flowTL = smallTL.resizedBilinear(height: H, width: W) * flowScale
        let flowTR = smallTR.resizedBilinear(height: H, width: W) * flowScale
        let visibility = inter.channels(4..<5).resizedBilinear(height: H, width: W).sigmoid()

        // Eqs. 13–14: Î_t = ((1−v)·W·g(I_l, F_t→l) + v·(1−W)·g(I_r, F_t→r)) / Z, Z = (1−v)·W + v·(1−W).
        let gl = s.left.warped(by: flowTL), gr = s.right.warped(by: flowTR)
        let vv = try perSample(v), oneMinusV = try perSample(v.map { 1 - $0 })
        let wl = visibility * oneMinusV
        let wr = vv - visibility * vv
        let z = (wl + wr) + 1e-6
        let frame = (gl * wl + gr * wr) / z
        return Output(frame: frame, flowTL: flowTL, flowTR: flowTR, visibility: visibility)
    }

    func downsample(_ x: Variable, _ h: Int, _ w: Int) -> Variable {
        let H = x.shape[2], W = x.shape[3]
        if H == h * config.scale, W == w * config.scale, config.scale > 1 { return x.avgPool2d(kernel: config.scale) }
        if H == h, W == w { return x }
        return x.resizedBilinear(height: h, width: w)
    }

    // MARK: Cost

    /// Floating-point operations (2 per multiply-add, convolutions and linear layers only) of the per-gap part
    /// (`flow_net`, or RIFE's two IFNet passes) and the per-frame part (`audio_net` ×3, `refine_net`, `inter_net`) for
    /// frames of `size`².
    public func flops(size: Int) -> (perGap: Double, perFrame: Double) {
        let (h, w) = netSize(height: size, width: size)
        let audio = 3 * 2 * Double(config.audioInput * config.audioHidden + config.audioHidden * config.audioChannels)
        var perGap = flowNet?.flops(height: h, width: w) ?? 0
        if let trunk {
            let (rh, rw) = rifeInputSize(height: size, width: size)
            perGap = trunk.gapFlowsGigaflops(inputHeight: rh, inputWidth: rw) * 1e9
        }
        return (perGap, refineNet.flops(height: h, width: w) + interNet.flops(height: h, width: w) + audio)
    }

    /// GFLOP per restored frame with the flow computed once per gap of `gapFrames` frames.
    public func gigaflopsPerFrame(size: Int, gapFrames: Int = 7) -> Double {
        let f = flops(size: size)
        return (f.perGap / Double(max(gapFrames, 1)) + f.perFrame) / 1e9
    }
}

// MARK: - Detached variables

/// Variables outside any tape, for inference through the same forward code as training.
public enum Detached {
    /// `t` as a variable with no tape: operations on it compute values and record nothing.
    public static func variable(_ t: Tensor) -> Variable {
        let tape = Tape()
        return tape.input(t)  // The tape is released on return; the variable only holds it weakly.
    }
}
