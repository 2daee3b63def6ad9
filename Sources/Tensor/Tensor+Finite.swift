/// Finite-number checks: what training, model files and evaluation use to refuse NaN and ±∞.
extension Tensor {
    /// The index of the first NaN or infinite element, nil when every element is finite.
    public var firstNonFiniteIndex: Int? {
        withUnsafePointer { p in
            for i in 0..<count where !p[i].isFinite { return i }
            return nil
        }
    }

    /// Whether every element is finite.
    public var isFinite: Bool { firstNonFiniteIndex == nil }
}

extension Module {
    /// The name of the first parameter holding a NaN or infinite value, nil when all are finite.
    public var firstNonFiniteParameter: String? { parameters.first { !$0.value.isFinite }?.name }
}
