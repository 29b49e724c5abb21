// Embedding: row lookup into a [vocab, dim] table; backward scatter-adds into the rows used.

extension Tape {
    /// out[i, :] = weight[ids[i], :].
    ///
    /// Shapes: `weight` [vocab, dim]; `ids` holds `batchShape`'s product of token ids in 0..<vocab
    /// (e.g. batchShape [B, T]) → out [batchShape..., dim].
    /// Backward: dweight[ids[i], :] += dy[i, :], in position order (deterministic; repeated ids accumulate).
    public func embedding(_ weight: Tensor, ids: [Int32], batchShape: [Int]) -> Tensor {
        precondition(weight.rank == 2, "embedding: weight must be [vocab, dim], got \(weight.shape)")
        let n = batchShape.reduce(1, *)
        precondition(ids.count == n, "embedding: \(ids.count) ids for batch shape \(batchShape)")
        let vocab = weight.shape[0], dim = weight.shape[1]
        let out = makeTensor(batchShape + [dim], requiresGrad: needsGrad(weight))
        let pw = weight.data, po = out.data
        ids.withUnsafeBufferPointer { idp in
            for i in 0..<n {
                let id = Int(idp[i])
                precondition(id >= 0 && id < vocab, "embedding: token id \(id) outside 0..<\(vocab)")
                (po + i * dim).update(from: pw + id * dim, count: dim)
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let dw = self.gradient(of: weight)
            ids.withUnsafeBufferPointer { idp in
                for i in 0..<n {
                    let row = dw + Int(idp[i]) * dim, src = dy + i * dim
                    for j in 0..<dim { row[j] += src[j] }
                }
            }
        }
        return out
    }
}
