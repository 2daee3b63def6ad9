import Restoration

/// How the frame outside a learned method's face square is restored (the `CroppedRestorer`'s background).
public enum OutsideMethod: String, Sendable, CaseIterable, Codable {
    /// Cross-fade where the neighbours agree, the nearer neighbour where they differ (`AdaptiveNeighbourRestorer`):
    /// no double edges. The default.
    case adaptive
    /// The plain cross-fade (`BlendRestorer`): double edges wherever something moves.
    case blend
    /// The left neighbour held (`HoldRestorer`).
    case hold

    /// The full-frame restorer of this method.
    public func restorer() -> any FrameRestorer {
        switch self {
        case .adaptive: return AdaptiveNeighbourRestorer()
        case .blend: return BlendRestorer()
        case .hold: return HoldRestorer()
        }
    }
}
