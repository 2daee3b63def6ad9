import Foundation

// MARK: - Storage

/// The heap block behind one or more tensors: `count` Float32 values, zero-initialised, freed with the last reference.
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` zeros.
    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

// MARK: - Tensor

/// A Float32 tensor with contiguous row-major storage (images are NCHW).
///
/// A value type with copy-on-write storage: `reshaped` and `batch(_:)` are views that share storage
/// until one side is written.
public struct Tensor: Sendable, CustomStringConvertible {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The storage block (possibly shared with other views).
    public private(set) var storage: TensorStorage
    /// Offset of element 0 within `storage`.
    public private(set) var offset: Int

    /// Number of elements (product of `shape`; 1 for a scalar of shape []).
    public var count: Int { Tensor.elementCount(shape) }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The product of `shape`.
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    // MARK: Creation

    /// A tensor of zeros. Every extent must be non-negative.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: Tensor.elementCount(shape))
        offset = 0
    }

    /// A tensor filled with `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { storage.pointer.update(repeating: value, count: count) }
    }

    /// A tensor holding `scalars` in row-major order; throws if the count does not match the shape.
    public init(shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), Tensor.elementCount(shape) == scalars.count else {
            throw TensorError.shapeMismatch(operation: "Tensor(shape:scalars:)", expected: shape, got: [scalars.count])
        }
        self.init(zeros: shape)
        scalars.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.pointer.update(from: base, count: scalars.count) }
        }
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) {
        self.init(shape: [], repeating: scalar)
    }

    init(shape: [Int], storage: TensorStorage, offset: Int) {
        self.shape = shape
        self.storage = storage
        self.offset = offset
    }

    /// Samples from N(mean, std²) (the paper initialises weights with N(0, 0.02)).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                    using generator: inout some RandomNumberGenerator) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutablePointer { p in
            let n = Tensor.elementCount(shape)
            var i = 0
            while i < n {
                // Box–Muller: two independent normals from two uniforms in (0, 1].
                let u1 = Double.random(in: Double.ulpOfOne...1, using: &generator)
                let u2 = Double.random(in: 0..<1, using: &generator)
                let r = (-2 * Foundation.log(u1)).squareRoot()
                p[i] = mean + std * Float(r * cos(2 * .pi * u2))
                if i + 1 < n { p[i + 1] = mean + std * Float(r * sin(2 * .pi * u2)) }
                i += 2
            }
        }
        return t
    }

    /// Samples uniformly from `range`.
    public static func randomUniform(_ shape: [Int], in range: ClosedRange<Float> = 0...1,
                                     using generator: inout some RandomNumberGenerator) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutablePointer { p in
            for i in 0..<Tensor.elementCount(shape) { p[i] = Float.random(in: range, using: &generator) }
        }
        return t
    }

    // MARK: Access

    /// The elements in row-major order (a copy).
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[offset]
    }

    /// Element at a flat (row-major) index.
    public subscript(flat index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "Tensor[flat: \(index)] out of range for shape \(shape)")
            return storage.pointer[offset + index]
        }
        set {
            precondition(index >= 0 && index < count, "Tensor[flat: \(index)] out of range for shape \(shape)")
            makeUnique()
            storage.pointer[offset + index] = newValue
        }
    }

    /// Element at a multi-index (one index per dimension).
    public subscript(_ index: Int...) -> Float {
        get { self[flat: flatIndex(index)] }
        set { self[flat: flatIndex(index)] = newValue }
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) has the wrong rank for shape \(shape)")
        var flat = 0
        for (i, n) in zip(index, shape) {
            precondition(i >= 0 && i < n, "Tensor: index \(index) out of range for shape \(shape)")
            flat = flat * n + i
        }
        return flat
    }

    /// Read access to the elements.
    @inline(__always)
    public func withUnsafePointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.pointer + offset))
    }

    /// Write access to the elements (copies first if the storage is shared).
    @inline(__always)
    public mutating func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(storage.pointer + offset)
    }

    /// Copies the storage if another tensor shares it, so writes stay private.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.count != count {
            let fresh = TensorStorage(count: count)
            fresh.pointer.update(from: storage.pointer + offset, count: count)
            storage = fresh
            offset = 0
        }
    }

    // MARK: Views

    /// The same elements under another shape (a view, no copy). One extent may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        if unknown.count == 1 {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            if known > 0, count % known == 0 { resolved[unknown[0]] = count / known }
        }
        guard unknown.count <= 1, resolved.allSatisfy({ $0 >= 0 }), Tensor.elementCount(resolved) == count else {
            throw TensorError.shapeMismatch(operation: "reshaped", expected: newShape, got: shape)
        }
        return Tensor(shape: resolved, storage: storage, offset: offset)
    }

    /// Items `range` of the outermost dimension (a view, no copy).
    public func batch(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "Tensor.batch(\(range)) out of range for shape \(shape)")
        var s = shape
        s[0] = range.count
        let stride = shape.dropFirst().reduce(1, *)
        return Tensor(shape: s, storage: storage, offset: offset + range.lowerBound * stride)
    }

    /// Item `index` of the outermost dimension, keeping the dimension (extent 1).
    public func batch(_ index: Int) -> Tensor { batch(index..<(index + 1)) }

    /// Throws unless `shape` equals `expected`; -1 in `expected` matches any extent.
    public func check(_ expected: [Int], _ operation: String) throws {
        guard expected.count == shape.count, zip(expected, shape).allSatisfy({ $0 == -1 || $0 == $1 }) else {
            throw TensorError.shapeMismatch(operation: operation, expected: expected, got: shape)
        }
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
    }
}

// MARK: - Random numbers

/// A small, fast, seedable generator (SplitMix64) so initialisation and tests are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The whole state: `SeededGenerator(seed: g.state)` continues g's sequence exactly (what checkpoints store).
    public private(set) var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
