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
    /// the Float32 `out`, dx and dW (dW accumulates onto the Float32 gradient, as `linear` does).
    private func linearBF16(_ x: Tensor, _ weight: Tensor, _ out: Tensor, _ bf16: BF16Workspace) -> Tensor {
        let inF = weight.shape[1], outF = weight.shape[0], rows = x.rows
        bf16gemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: bf16.activation(x), lda: inF,
                 b: bf16.weight(weight), ldb: inF, beta: 0, c: out.data, ldc: outF)
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dy = out.grad else { return }
            let dx = x.requiresGrad ? self.gradientForWrite(of: x) : nil
            let dw = weight.requiresGrad ? self.gradient(of: weight) : nil
            // dy is rounded to bf16 a block of rows at a time (the head's [rows, vocab] would otherwise need
            // a bf16 copy as large as itself); each block adds its rows' share to dW.
            let block = max(1, min(rows, BF16Workspace.gradientBlockElements / max(outF, 1)))
            for r0 in stride(from: 0, to: rows, by: block) {
                let n = min(block, rows - r0)
                let dyBits = bf16.gradient(dy + r0 * outF, count: n * outF)
                if let (dx, overwrite) = dx {
                    bf16gemm(transA: false, transB: false, m: n, n: inF, k: outF, a: dyBits, lda: outF,
                             b: bf16.weight(weight), ldb: inF, beta: overwrite ? 0 : 1, c: dx + r0 * inF, ldc: inF)
                }
                if let dw {
                    bf16gemm(transA: true, transB: false, m: outF, n: inF, k: n, a: dyBits, lda: outF,
                             b: bf16.activation(x) + r0 * inF, ldb: inF, beta: 1, c: dw, ldc: inF)
                }
            }
        }
        return out
    }
}
