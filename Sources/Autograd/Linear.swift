// Linear: y = x · Wᵀ with W stored [out, in] as Hugging Face stores nn.Linear weights (no bias).

extension Tape {
    /// y = x · Wᵀ.
    ///
    /// Shapes: `x` [..., in], `weight` [out, in] → y [..., out]. One `sgemm` over all rows of `x`.
    /// Backward: dx += dy · W  ([rows, out]·[out, in]); dW += dyᵀ · x  ([out, rows]·[rows, in]).
    /// On a bf16 tape the three products take bf16 operands and accumulate in Float32 (`linearBF16`).
    public func linear(_ x: Tensor, _ weight: Tensor) -> Tensor {
        precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let inF = weight.shape[1], outF = weight.shape[0]
        precondition(x.rank >= 1 && x.lastDim == inF, "linear: x \(x.shape) does not end in \(inF) (weight \(weight.shape))")
        let rows = x.rows
        let out = makeTensor(Array(x.shape.dropLast()) + [outF], requiresGrad: needsGrad(x, weight))
        if let bf16 { return linearBF16(x, weight, out, bf16) }
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

extension Tape {
    /// `linear` with bf16 products: x, W and dy rounded to bf16, every product accumulated in Float32 into
    /// the Float32 `out`, dx and dW (dW accumulates onto the Float32 gradient, as `linear` does). dy is
    /// rounded in place (its Float32 values are gone afterwards).
    private func linearBF16(_ x: Tensor, _ weight: Tensor, _ out: Tensor, _ bf16: BF16Workspace) -> Tensor {
        let inF = weight.shape[1], outF = weight.shape[0], rows = x.rows
        bf16gemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: bf16.activation(x), lda: inF,
                 b: bf16.weight(weight), ldb: inF, beta: 0, c: out.data, ldc: outF)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            // Nothing reads dy after this step (the tape recycles an op output's gradient once its producer's
            // backward has run), so it is rounded to bf16 in place, in its own buffer: no bf16 copy of the
            // head's [rows, vocab] gradient or any other.
            let dyBits = BF16Workspace.roundInPlace(dy, count: rows * outF)
            if x.requiresGrad {
                let (dx, overwrite) = self.gradientForWrite(of: x)
                bf16gemm(transA: false, transB: false, m: rows, n: inF, k: outF, a: dyBits, lda: outF,
                         b: bf16.weight(weight), ldb: inF, beta: overwrite ? 0 : 1, c: dx, ldc: inF)
            }
            if weight.requiresGrad {
                bf16gemm(transA: true, transB: false, m: outF, n: inF, k: rows, a: dyBits, lda: outF,
                         b: bf16.activation(x), ldb: inF, beta: 1, c: self.gradient(of: weight), ldc: inF)
            }
        }
        return out
    }
}
