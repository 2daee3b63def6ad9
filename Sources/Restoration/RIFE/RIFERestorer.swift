import Tensor

/// RIFE HDv3 (pretrained on Vimeo-90K) as a `FrameRestorer`: every missing slot t of a gap (l, r) is interpolated
/// from the two neighbours at timestep (t − l)/(r − l), one IFNet pass per slot (the timestep is an input of the
/// network's first block, so nothing is shared across the gap's slots). The audio is not used.
///
/// Output frames are clamped to [0, 1]. Inference never mutates the network, so one restorer may be shared across
/// threads.
public struct RIFERestorer: FrameRestorer {
    public let name: String
    public let net: IFNet

    public init(name: String = "rife", net: IFNet) {
        self.name = name
        self.net = net
    }

    /// Loads the converted weights at `modelPath` (see `IFNet.load`).
    public init(name: String = "rife", modelPath: String) throws(RestorationError) {
        self.init(name: name, net: try IFNet.load(path: modelPath))
    }

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        let shape = [1, 3, left.height, left.width]
        let l = try Tensor(shape: shape, scalars: left.planes), r = try Tensor(shape: shape, scalars: right.planes)
        let span = Float(right.slot - left.slot)
        return try slots.map { t in
            let frame = try net.interpolate(l, r, timestep: Float(t - left.slot) / span).frame
            return try SlotFrame(slot: t, width: left.width, height: left.height, planes: frame.scalars.map { min(max($0, 0), 1) })
        }
    }
}
