import Foundation

// MARK: - Kernels

/// An elementwise function as a value type, so generic loops specialise and inline it (a closure would cost an
/// indirect call per element, about 20× slower).
protocol UnaryKernel { func callAsFunction(_ x: Float) -> Float }
/// A two-operand elementwise function (see `UnaryKernel`).
protocol BinaryKernel { func callAsFunction(_ a: Float, _ b: Float) -> Float }

enum Kernel {
    /// Any two-argument function as a kernel (for the rare ops without a specialised one).
    struct Closure2: BinaryKernel {
        let f: (Float, Float) -> Float
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { f(a, b) }
    }
    struct ReLU: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { max(x, 0) } }
    struct Leaky: UnaryKernel {
        let slope: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : slope * x }
    }
    struct Sigmoid: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Tensor.sigmoid(x) } }
    struct Tanh: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.tanh(x) } }
    struct Affine: UnaryKernel {
        let a: Float, b: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { a * x + b }
    }
    struct Abs: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { abs(x) } }
    struct ScaledSign: UnaryKernel {
        let scale: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? scale : (x < 0 ? -scale : 0) }
    }
    struct Square: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x } }

    struct Add: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
    struct Sub: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
    struct Mul: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
    struct Div: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
    /// g · [x > 0] (ReLU's adjoint: a = g, b = x).
    struct ReLUGrad: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : 0 } }
    struct LeakyGrad: BinaryKernel {
        let slope: Float
        @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : slope * g }
    }
    /// g · y(1 − y) (a = g, b = y = σ(x)).
    struct SigmoidGrad: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }
    /// g · (1 − y²) (a = g, b = y = tanh(x)).
    struct TanhGrad: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }
}

// MARK: - Maps

extension Tensor {
    /// A new tensor with kernel `k` applied to every element (in parallel for large tensors).
    func apply<K: UnaryKernel>(_ k: K) -> Tensor {
        var out = Tensor(zeros: shape)
        let n = count
        withUnsafePointer { src in
            out.withUnsafeMutablePointer { dst in
                Parallel.forEach(n, cost: 4) { r in for i in r { dst[i] = k(src[i]) } }
            }
        }
        return out
    }

    /// Applies kernel `k` in place (no allocation when the storage is unshared).
    mutating func applyInPlace<K: UnaryKernel>(_ k: K) {
        let n = count
        withUnsafeMutablePointer { p in Parallel.forEach(n, cost: 4) { r in for i in r { p[i] = k(p[i]) } } }
    }

    /// A new tensor with `k(self[i], other[i])`; shapes must be equal.
    func apply<K: BinaryKernel>(_ other: Tensor, _ op: String, _ k: K) -> Tensor {
        precondition(shape == other.shape, "\(op): shapes \(shape) and \(other.shape) differ")
        var out = Tensor(zeros: shape)
        let n = count
        withUnsafePointer { a in
            other.withUnsafePointer { b in
                out.withUnsafeMutablePointer { dst in
                    Parallel.forEach(n, cost: 4) { r in for i in r { dst[i] = k(a[i], b[i]) } }
                }
            }
        }
        return out
    }

    /// A new tensor with `f` applied to every element (in parallel for large tensors).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        var out = Tensor(zeros: shape)
        let n = count
        withUnsafePointer { src in
            out.withUnsafeMutablePointer { dst in
                Parallel.forEach(n, cost: 4) { r in for i in r { dst[i] = f(src[i]) } }
            }
        }
        return out
    }

    /// A new tensor with `f(self[i], other[i])`; shapes must be equal (`apply` with a closure as the kernel).
    func zipMap(_ other: Tensor, _ op: String, _ f: @escaping (Float, Float) -> Float) -> Tensor {
        apply(other, op, Kernel.Closure2(f: f))
    }

    /// self += other · alpha, in place (shapes must be equal).
    public mutating func add(_ other: Tensor, scaledBy alpha: Float = 1) {
        precondition(shape == other.shape, "add(_:scaledBy:): shapes \(shape) and \(other.shape) differ")
        let n = count
        other.withUnsafePointer { b in
            withUnsafeMutablePointer { a in
                Parallel.forEach(n, cost: 2) { r in for i in r { a[i] += alpha * b[i] } }
            }
        }
    }

    /// Sets every element to zero, keeping the storage when unshared.
    public mutating func zero() {
        let n = count
        withUnsafeMutablePointer { $0.update(repeating: 0, count: n) }
    }

    // MARK: Activations

    /// max(x, 0).
    public func relu() -> Tensor { apply(Kernel.ReLU()) }
    /// x for x > 0, slope · x otherwise (FE-Net uses slope 0.1).
    public func leakyReLU(_ slope: Float = 0.01) -> Tensor { apply(Kernel.Leaky(slope: slope)) }
    /// 1 / (1 + e^-x), computed without overflow.
    public func sigmoid() -> Tensor { apply(Kernel.Sigmoid()) }
    /// tanh(x).
    public func tanh() -> Tensor { apply(Kernel.Tanh()) }

    /// In-place ReLU (inference without allocation).
    public mutating func formReLU() { applyInPlace(Kernel.ReLU()) }
    /// In-place LeakyReLU (inference without allocation).
    public mutating func formLeakyReLU(_ slope: Float = 0.01) { applyInPlace(Kernel.Leaky(slope: slope)) }
    /// In-place sigmoid (inference without allocation).
    public mutating func formSigmoid() { applyInPlace(Kernel.Sigmoid()) }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + exp(-x)) : { let e = exp(x); return e / (1 + e) }()
    }

    // MARK: Arithmetic

    /// a · self + b, elementwise.
    public func affine(scale a: Float, shift b: Float = 0) -> Tensor { apply(Kernel.Affine(a: a, b: b)) }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { broadcast(lhs, rhs, "add", Kernel.Add()) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { broadcast(lhs, rhs, "sub", Kernel.Sub()) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { broadcast(lhs, rhs, "mul", Kernel.Mul()) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { broadcast(lhs, rhs, "div", Kernel.Div()) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: rhs) }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.affine(scale: lhs) }
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.affine(scale: 1, shift: rhs) }

    /// The shape both operands broadcast to: same rank, each extent equal or 1 on one side.
    static func broadcastShape(_ a: [Int], _ b: [Int], _ op: String) -> [Int] {
        precondition(a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 },
                     "\(op): shapes \(a) and \(b) do not broadcast (same rank, each extent equal or 1)")
        return zip(a, b).map { max($0, $1) }
    }

    /// Row-major strides of `shape` for broadcasting into `target`: 0 where the extent is 1 and the target's is not.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var s = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = (shape[d] == 1 && target[d] != 1) ? 0 : s
            s *= shape[d]
        }
        return strides
    }

    /// Elementwise `f` with same-rank broadcasting (an extent of 1 repeats), e.g. [N,1,H,W] × [N,3,H,W].
    static func broadcast<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ op: String, _ f: K) -> Tensor {
        if a.shape == b.shape { return a.apply(b, op, f) }
        let shape = broadcastShape(a.shape, b.shape, op)
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        var out = Tensor(zeros: shape)
        let inner = shape.last ?? 1
        let outer = out.count / max(inner, 1)
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        a.withUnsafePointer { pa in
            b.withUnsafePointer { pb in
                out.withUnsafeMutablePointer { po in
                    Parallel.forEach(outer, cost: inner) { range in
                        for row in range {
                            // Offsets of this row in a and b.
                            var rem = row, oa = 0, ob = 0
                            for d in stride(from: shape.count - 2, through: 0, by: -1) {
                                let idx = rem % shape[d]
                                rem /= shape[d]
                                oa += idx * sa[d]
                                ob += idx * sb[d]
                            }
                            let dst = po + row * inner
                            for i in 0..<inner { dst[i] = f(pa[oa + i * ia], pb[ob + i * ib]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Sums this tensor down to `target` (the adjoint of broadcasting `target` up to `shape`).
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(target.count == shape.count, "sum(toShape:): \(shape) cannot reduce to \(target)")
        var out = Tensor(zeros: target)
        let st = Tensor.broadcastStrides(target, to: shape)
        let inner = shape.last ?? 1
        let outer = count / max(inner, 1)
        let it = st.last ?? 0
        withUnsafePointer { src in
            out.withUnsafeMutablePointer { dst in
                for row in 0..<outer {
                    var rem = row, o = 0
                    for d in stride(from: shape.count - 2, through: 0, by: -1) {
                        o += (rem % shape[d]) * st[d]
                        rem /= shape[d]
                    }
                    let s = src + row * inner
                    for i in 0..<inner { dst[o + i * it] += s[i] }
                }
            }
        }
        return out
    }

    // MARK: Reductions

    /// The sum of all elements (accumulated in Double).
    public func sum() -> Float {
        withUnsafePointer { p in
            var s = 0.0
            for i in 0..<count { s += Double(p[i]) }
            return Float(s)
        }
    }

    /// The mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : Float(Double(sum()) / Double(count)) }

    /// The Euclidean norm of all elements.
    public func norm() -> Float {
        withUnsafePointer { p in
            var s = 0.0
            for i in 0..<count { s += Double(p[i]) * Double(p[i]) }
            return Float(s.squareRoot())
        }
    }

    /// The largest absolute difference to `other` (same shape).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "maxAbsDifference: shapes \(shape) and \(other.shape) differ")
        var m: Float = 0
        withUnsafePointer { a in other.withUnsafePointer { b in for i in 0..<count { m = max(m, abs(a[i] - b[i])) } } }
        return m
    }
}
