import Foundation
import Tensor

// MARK: - Ridge regression (the linear map's closed-form fit)

extension LipGeometryModel {
    /// Fits the linear map by ridge regression: the W, b minimising Σ‖W·x + b − y‖² + λ‖W‖² over the rows
    /// (the bias is not penalised), solved exactly from the normal equations (Cholesky, in Double).
    ///
    /// Deterministic and free of learning-rate and step choices: with a few hundred inputs and thousands of frames
    /// the closed form is both faster and exact. Viseme shares lie in [0, 1] and the energy is standardised, so
    /// one λ fits every column. `inputs` holds `rows × inputWidth` values, `targets` `rows × outputs`.
    public func fitRidge(inputs: [Float], targets: [Float], lambda: Double) throws(PhoneticsError) {
        let w = configuration.inputWidth, o = configuration.outputs
        guard configuration.isLinear else { throw .invalidSetting("ridge regression fits the linear lip model only") }
        guard w > 0, inputs.count % w == 0, targets.count == inputs.count / w * o else {
            throw .shapeMismatch("\(inputs.count) input and \(targets.count) target values for rows of \(w) → \(o)")
        }
        guard lambda.isFinite, lambda >= 0 else { throw .invalidSetting("ridge λ \(lambda)") }
        let rows = inputs.count / w
        guard rows > 0 else { throw .invalidSetting("no training rows") }
        // Normal equations over the augmented rows [x, 1]: (AᵀA + λI′) θ = Aᵀ Y, θ = [Wᵀ; bᵀ].
        let m = w + 1
        var gram = [Double](repeating: 0, count: m * m), rhs = [Double](repeating: 0, count: m * o)
        var row = [Double](repeating: 0, count: m)
        for r in 0..<rows {
            for k in 0..<w { row[k] = Double(inputs[r * w + k]) }
            row[w] = 1
            for a in 0..<m where row[a] != 0 {
                let ra = row[a]
                for b in a..<m { gram[a * m + b] += ra * row[b] }
                for c in 0..<o { rhs[a * o + c] += ra * Double(targets[r * o + c]) }
            }
        }
        for a in 0..<m { for b in 0..<a { gram[a * m + b] = gram[b * m + a] } }
        for a in 0..<w { gram[a * m + a] += lambda }
        let theta = try Self.solveSymmetric(gram, rhs, size: m, columns: o)
        var weight = [Float](repeating: 0, count: o * w), bias = [Float](repeating: 0, count: o)
        for c in 0..<o {
            for k in 0..<w { weight[c * w + k] = Float(theta[k * o + c]) }
            bias[c] = Float(theta[w * o + c])
        }
        do {
            output.weight.value = try Tensor(shape: [o, w], scalars: weight)
            if let b = output.bias { b.value = try Tensor(shape: [o], scalars: bias) }
        } catch {
            throw .invalidModel("\(error)")
        }
        guard weight.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
            throw .invalidSetting("ridge regression gave non-finite weights (λ \(lambda), \(rows) rows)")
        }
        whitening = try Self.whitening(residualsOf: self, inputs: inputs, targets: targets)
    }

    /// T = L⁻¹ for the Cholesky factor L of the covariance Σ = L·Lᵀ of the model's residuals y − ĝ(x) on the rows
    /// (G × G, row-major, lower triangular): T·r has uncorrelated components of unit variance (`LipGeometryCue`).
    static func whitening(residualsOf model: LipGeometryModel, inputs: [Float], targets: [Float]) throws(PhoneticsError) -> [Float] {
        let w = model.configuration.inputWidth, g = model.configuration.outputs, rows = inputs.count / max(w, 1)
        let predicted: [Float]
        do {
            predicted = try model.forward(try Tensor(shape: [rows, w], scalars: inputs)).scalars
        } catch {
            throw .invalidModel("\(error)")
        }
        var mean = [Double](repeating: 0, count: g), cov = [Double](repeating: 0, count: g * g)
        for r in 0..<rows { for a in 0..<g { mean[a] += Double(targets[r * g + a] - predicted[r * g + a]) / Double(rows) } }
        for r in 0..<rows {
            for a in 0..<g {
                let ra = Double(targets[r * g + a] - predicted[r * g + a]) - mean[a]
                for b in 0..<g { cov[a * g + b] += ra * (Double(targets[r * g + b] - predicted[r * g + b]) - mean[b]) / Double(rows) }
            }
        }
        for a in 0..<g { cov[a * g + a] += 1e-6 }
        let l = try cholesky(cov, size: g)
        // T = L⁻¹ by forward substitution, column by column (L·t_c = e_c).
        var t = [Double](repeating: 0, count: g * g)
        for c in 0..<g {
            for i in c..<g {
                var sum = i == c ? 1.0 : 0.0
                for k in c..<i { sum -= l[i * g + k] * t[k * g + c] }
                t[i * g + c] = sum / l[i * g + i]
            }
        }
        return t.map { Float($0) }
    }

    /// The lower-triangular L with L·Lᵀ = S for a symmetric positive-definite `size × size` S (row-major); a matrix
    /// that is not positive definite throws.
    static func cholesky(_ s: [Double], size n: Int) throws(PhoneticsError) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = s[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else {
                        throw .invalidSetting("the matrix is singular at column \(i) (for the normal equations: raise the ridge λ)")
                    }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        return l
    }

    /// Solves S·X = B for a symmetric positive-definite `size × size` S and `columns` right-hand sides (row-major),
    /// by Cholesky factorisation; a matrix that is not positive definite (e.g. λ = 0 with a constant column) throws.
    static func solveSymmetric(_ s: [Double], _ b: [Double], size n: Int, columns: Int) throws(PhoneticsError) -> [Double] {
        let l = try cholesky(s, size: n)
        var x = b
        for c in 0..<columns {
            for i in 0..<n {                       // L·z = b
                var sum = x[i * columns + c]
                for k in 0..<i { sum -= l[i * n + k] * x[k * columns + c] }
                x[i * columns + c] = sum / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {   // Lᵀ·x = z
                var sum = x[i * columns + c]
                for k in (i + 1)..<n { sum -= l[k * n + i] * x[k * columns + c] }
                x[i * columns + c] = sum / l[i * n + i]
            }
        }
        return x
    }
}
