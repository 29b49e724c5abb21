// Linear: y = x · Wᵀ with W stored [out, in] as Hugging Face stores nn.Linear weights (no bias).

extension Tape {
    /// y = x · Wᵀ.
    ///
    /// Shapes: `x` [..., in], `weight` [out, in] → y [..., out]. One `sgemm` over all rows of `x`.
    /// Backward: dx += dy · W  ([rows, out]·[out, in]); dW += dyᵀ · x  ([out, rows]·[rows, in]).
    public func linear(_ x: Tensor, _ weight: Tensor) -> Tensor {
        precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let inF = weight.shape[1], outF = weight.shape[0]
        precondition(x.rank >= 1 && x.lastDim == inF, "linear: x \(x.shape) does not end in \(inF) (weight \(weight.shape))")
        let rows = x.rows
        let out = makeTensor(Array(x.shape.dropLast()) + [outF], requiresGrad: needsGrad(x, weight))
        sgemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: x.data, lda: inF,
              b: weight.data, ldb: inF, beta: 0, c: out.data, ldc: outF)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            if x.requiresGrad {
                let (dx, overwrite) = self.gradientForWrite(of: x)
                sgemm(transA: false, transB: false, m: rows, n: inF, k: outF, a: dy, lda: outF,
                      b: weight.data, ldb: inF, beta: overwrite ? 0 : 1, c: dx, ldc: inF)
            }
            if weight.requiresGrad {
                sgemm(transA: true, transB: false, m: outF, n: inF, k: rows, a: dy, lda: outF,
                      b: x.data, ldb: inF, beta: 1, c: self.gradient(of: weight), ldc: inF)
            }
        }
        return out
    }
}
