/// FNV-1a, 64-bit: the project's one non-cryptographic hash for stable names (state folders, study fingerprints,
/// per-clip drop seeds). Stable across processes and machines, unlike `Hasher`.
public enum FNV1a {
    /// The hash of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
