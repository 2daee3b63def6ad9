import Foundation
@testable import Tensor

/// Shared helpers: random tensors, a finite-difference gradient checker, fixture loading.
enum Support {
    static func random(_ shape: [Int], _ range: ClosedRange<Float> = -1...1, seed: UInt64) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randomUniform(shape, in: range, using: &g)
    }

    /// Values whose magnitude is at least `gap` (keeps ReLU-like kinks further than the FD step away).
    static func awayFromZero(_ shape: [Int], gap: Float = 0.1, seed: UInt64) -> Tensor {
        random(shape, seed: seed).map { $0 >= 0 ? $0 + gap : $0 - gap }
    }

    /// Result of comparing tape gradients with central differences.
    struct GradientReport {
        var checked = 0
        var failures: [String] = []
        var worst: Float = 0
    }

    /// Checks the tape gradient of L = Σ f(x)·R (R a fixed random projection) w.r.t. every input against central
    /// differences (L evaluated in Double from the Float32 outputs).
    ///
    /// Tolerance argued for Float32: with step `eps` = 1e-2, L's rounding error (≈ 1e-7 relative per output, a few
    /// hundred outputs) divided by 2·eps stays below 1e-4; the truncation error of a smooth op is O(eps²·f''') ≈ 1e-4,
    /// and zero for ops that are linear in the perturbed input (conv, linear, pooling, resizing, warping within a
    /// pixel cell). So |analytic − numeric| ≤ 2e-3 + 1e-2·|value| can only fail on a wrong gradient.
    static func checkGradients(_ inputs: [Tensor], wrt: Set<Int>? = nil, eps: Float = 1e-2, atol: Float = 2e-3,
                               rtol: Float = 1e-2, maxChecksPerInput: Int = 60, seed: UInt64 = 99,
                               _ f: ([Variable]) throws -> Variable) throws -> GradientReport {
        let tape = Tape()
        let vars = inputs.enumerated().map { i, x in (wrt ?? Set(inputs.indices)).contains(i) ? tape.leaf(x) : tape.input(x) }
        let out = try f(vars)
        let r = random(out.shape, seed: seed)
        let loss = (out * tape.input(r)).sum()
        tape.backward(loss)
        func evaluate(_ xs: [Tensor]) throws -> Double {
            let t = Tape()
            let y = try f(xs.map { t.input($0) }).value
            var s = 0.0
            for i in 0..<y.count { s += Double(y[flat: i]) * Double(r[flat: i]) }
            return s
        }
        var report = GradientReport()
        var rng = SeededGenerator(seed: seed &+ 1)
        for (k, v) in vars.enumerated() where v.requiresGrad {
            let analytic = v.grad ?? Tensor(zeros: v.shape)
            let n = inputs[k].count
            let indices = n <= maxChecksPerInput ? Array(0..<n) : (0..<maxChecksPerInput).map { _ in Int.random(in: 0..<n, using: &rng) }
            for i in indices {
                var plus = inputs, minus = inputs
                plus[k][flat: i] += eps
                minus[k][flat: i] -= eps
                let numeric = Float((try evaluate(plus) - evaluate(minus)) / Double(2 * eps))
                let a = analytic[flat: i]
                let err = abs(a - numeric)
                report.checked += 1
                report.worst = max(report.worst, err)
                if err > atol + rtol * max(abs(a), abs(numeric)) {
                    report.failures.append("input \(k) element \(i): analytic \(a) vs numeric \(numeric)")
                }
            }
        }
        return report
    }

    static func fixture(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw TensorError.io(path: name, reason: "fixture missing")
        }
        return try Data(contentsOf: url)
    }

    /// A naive direct convolution (seven nested loops), independent of im2col and BLAS.
    static func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ o: Conv2dOptions) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cinG, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let ho = o.outputSize(h, kernel: kh), wo = o.outputSize(wd, kernel: kw)
        let coutG = cout / o.groups
        var y = Tensor(zeros: [n, cout, ho, wo])
        for b0 in 0..<n { for co in 0..<cout { for i in 0..<ho { for j in 0..<wo {
            var acc = Double(b?[co] ?? 0)
            let g = co / coutG
            for cl in 0..<cinG { for p in 0..<kh { for q in 0..<kw {
                let ih = i * o.stride - o.padding + p * o.dilation, iw = j * o.stride - o.padding + q * o.dilation
                if ih >= 0, ih < h, iw >= 0, iw < wd {
                    acc += Double(x[b0, g * cinG + cl, ih, iw]) * Double(w[co, cl, p, q])
                }
            } } }
            y[b0, co, i, j] = Float(acc)
        } } } }
        _ = cin
        return y
    }
}
