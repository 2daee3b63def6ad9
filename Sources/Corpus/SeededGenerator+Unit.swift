import Tensor

// The project's one seeded generator is Tensor's `SeededGenerator` (SplitMix64): drop masks, person splits and
// synthetic faces draw from it so that every result is reproducible from its seed.

extension SeededGenerator {
    /// A uniform Double in [0, 1) from the top 53 bits of the next value.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
