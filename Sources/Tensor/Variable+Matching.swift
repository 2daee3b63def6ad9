import Foundation

/// Audio-visual matching losses on embedding distances (Table III's other rows): AVE-Net-style correspondence and
/// multi-way matching. Distances are Euclidean, as in the triplet loss and the distance matrix D (Eq. 8).
extension Variable {
    // MARK: - AVE-Net correspondence

    /// Binary correspondence (Arandjelović & Zisserman's AVE-Net: a distance between the two embeddings, then a tiny
    /// fully connected layer and a logistic): for rows i of `video` and `audio` ([N, D]), d_i = ‖v_i − a_i‖,
    /// z_i = w · d_i + b with `head` = [w, b] (shape [2]), loss = mean BCE(σ(z_i), labels_i); labels 1 for matching
    /// pairs, 0 for non-matching ones. A negative w makes "close" mean "matching".
    public static func correspondenceLoss(video: Variable, audio: Variable, head: Variable, labels: [Float]) -> Variable {
        precondition(video.shape == audio.shape && video.shape.count == 2 && labels.count == video.shape[0] && head.value.count == 2,
                     "correspondenceLoss: video \(video.shape), audio \(audio.shape), head \(head.shape), \(labels.count) labels")
        let n = video.shape[0], d = video.shape[1]
        let v = video.value.scalars, a = audio.value.scalars
        let w = head.value[flat: 0], b = head.value[flat: 1]
        var gv = [Float](repeating: 0, count: n * d)
        var gw: Float = 0, gb: Float = 0
        var total = 0.0
        for i in 0..<n {
            var s: Float = 0
            for j in 0..<d { let e = v[i * d + j] - a[i * d + j]; s += e * e }
            let dist = (s + 1e-12).squareRoot()
            let z = w * dist + b
            // BCE with logits, stable: max(z, 0) − z·y + log(1 + e^−|z|).
            total += Double(max(z, 0) - z * labels[i] + log1p(exp(-abs(z))))
            let dz = (1 / (1 + exp(-z)) - labels[i]) / Float(n)
            gw += dz * dist
            gb += dz
            let dd = dz * w / dist
            for j in 0..<d { gv[i * d + j] = dd * (v[i * d + j] - a[i * d + j]) }
        }
        let videoGrad = Tensor(shape: video.shape, values: gv)
        let headGrad = Tensor(shape: head.shape, values: [gw, gb])
        return Variable.make(Tensor(shape: [1], repeating: Float(total / Double(max(n, 1)))), [video, audio, head]) { g in
            video.accumulate(videoGrad.affine(scale: g.scalar))
            audio.accumulate(videoGrad.affine(scale: -g.scalar))
            head.accumulate(headGrad.affine(scale: g.scalar))
        }
    }

    // MARK: - Multi-way matching

    /// Multi-way matching (a softmax over N candidates, as in SyncNet's multi-way training): `anchor` is [N, D],
    /// `candidates` [N · K, D] with rows i·K … i·K + K − 1 the K candidates of anchor i, the first of them the true
    /// match. Logits −‖a_i − c_ij‖ / `temperature`; loss = mean over i of the cross-entropy of the true candidate.
    public static func multiwayMatchingLoss(anchor: Variable, candidates: Variable, temperature: Float = 1) -> Variable {
        precondition(anchor.shape.count == 2 && candidates.shape.count == 2 && anchor.shape[1] == candidates.shape[1]
                     && anchor.shape[0] > 0 && candidates.shape[0] % anchor.shape[0] == 0 && temperature > 0,
                     "multiwayMatchingLoss: anchor \(anchor.shape), candidates \(candidates.shape), temperature \(temperature)")
        let n = anchor.shape[0], d = anchor.shape[1], k = candidates.shape[0] / n
        let a = anchor.value.scalars, c = candidates.value.scalars
        var ga = [Float](repeating: 0, count: n * d), gc = [Float](repeating: 0, count: n * k * d)
        var total = 0.0
        var dist = [Float](repeating: 0, count: k), prob = [Float](repeating: 0, count: k)
        for i in 0..<n {
            for j in 0..<k {
                var s: Float = 0
                let row = (i * k + j) * d
                for t in 0..<d { let e = a[i * d + t] - c[row + t]; s += e * e }
                dist[j] = (s + 1e-12).squareRoot()
            }
            // log-sum-exp of −d/τ around its largest term.
            let top = dist.map { -$0 / temperature }.max() ?? 0
            var z: Float = 0
            for j in 0..<k { prob[j] = exp(-dist[j] / temperature - top); z += prob[j] }
            for j in 0..<k { prob[j] /= z }
            total += Double(dist[0] / temperature + top + log(z))
            // ∂L_i/∂d_ij = (δ_j0 − p_ij) / τ; ∂d_ij/∂a_i = (a_i − c_ij) / d_ij.
            for j in 0..<k {
                let coeff = ((j == 0 ? 1 : 0) - prob[j]) / temperature / dist[j] / Float(n)
                let row = (i * k + j) * d
                for t in 0..<d {
                    let e = coeff * (a[i * d + t] - c[row + t])
                    ga[i * d + t] += e
                    gc[row + t] -= e
                }
            }
        }
        let anchorGrad = Tensor(shape: anchor.shape, values: ga), candidateGrad = Tensor(shape: candidates.shape, values: gc)
        return Variable.make(Tensor(shape: [1], repeating: Float(total / Double(n))), [anchor, candidates]) { g in
            anchor.accumulate(anchorGrad.affine(scale: g.scalar))
            candidates.accumulate(candidateGrad.affine(scale: g.scalar))
        }
    }
}

extension Tensor {
    /// A tensor of `shape` holding `values` (row-major), whose count the caller guarantees.
    fileprivate init(shape: [Int], values: [Float]) {
        precondition(Tensor.elementCount(shape) == values.count, "Tensor: \(values.count) values for shape \(shape)")
        self.init(zeros: shape)
        withUnsafeMutablePointer { p in values.withUnsafeBufferPointer { src in if let b = src.baseAddress { p.update(from: b, count: values.count) } } }
    }
}
