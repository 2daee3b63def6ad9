import Tensor

/// FE-Net's audio-conditioned discriminator (Eq. 20): does this frame go with this audio segment?
///
/// Three stride-2 3×3 convolutions (3→16→32→32, LeakyReLU 0.2) take the frame to 1/8 resolution; the audio segment
/// goes through a linear map to 8 channels broadcast over that grid; one more 3×3 convolution over both, a global
/// average and a linear map give one logit per sample. About 25 k parameters: small next to the generator.
///
/// Weights start from He's N(0, 2 / fan-in), not the paper's N(0, 0.02): through six layers the paper's scale leaves
/// the logits at about 10⁻⁴ and the first training run's discriminator loss never left log 4.
public final class FENetDiscriminator: Module {
    let conv1, conv2, conv3, joint: Conv2d
    let audio: Linear
    let out: Linear
    public let audioInput: Int

    public var parameters: [Parameter] {
        conv1.parameters + conv2.parameters + conv3.parameters + audio.parameters + joint.parameters + out.parameters
    }

    public init(audioInput: Int = 65, seed: UInt64 = 1) {
        var g = SeededGenerator(seed: seed)
        self.audioInput = audioInput
        /// He's standard deviation for a layer with `fanIn` inputs.
        func he(_ fanIn: Int) -> Float { (2 / Float(fanIn)).squareRoot() }
        conv1 = Conv2d(name: "disc.conv1", inChannels: 3, outChannels: 16, kernelSize: 3, stride: 2, padding: 1,
                       std: he(27), generator: &g)
        conv2 = Conv2d(name: "disc.conv2", inChannels: 16, outChannels: 32, kernelSize: 3, stride: 2, padding: 1,
                       std: he(144), generator: &g)
        conv3 = Conv2d(name: "disc.conv3", inChannels: 32, outChannels: 32, kernelSize: 3, stride: 2, padding: 1,
                       std: he(288), generator: &g)
        audio = Linear(name: "disc.audio", inFeatures: audioInput, outFeatures: 8, std: he(audioInput), generator: &g)
        joint = Conv2d(name: "disc.joint", inChannels: 40, outChannels: 32, kernelSize: 3, padding: 1, std: he(360), generator: &g)
        out = Linear(name: "disc.out", inFeatures: 32, outFeatures: 1, std: he(32), generator: &g)
    }

    /// Logits [N, 1] for frames [N, 3, H, W] and audio segments [N, audioInput] (zeros when absent).
    public func callAsFunction(frame: Variable, audio segments: Variable, constant: (Tensor) -> Variable) throws -> Variable {
        var h = try conv1(frame).leakyReLU(0.2)
        h = try conv2(h).leakyReLU(0.2)
        h = try conv3(h).leakyReLU(0.2)
        let n = h.shape[0], hh = h.shape[2], ww = h.shape[3]
        let a = try audio(segments).leakyReLU(0.2).reshaped([n, 8, 1, 1]) + constant(Tensor(zeros: [n, 8, hh, ww]))
        h = try joint(Variable.concatChannels([h, a])).leakyReLU(0.2)
        let pooled = hh == ww ? h.avgPool2d(kernel: hh) : h.resizedBilinear(height: 1, width: 1)
        return try out(pooled)
    }
}
