// Matmul: batched C = op(A) · op(B) through cblas_sgemm, transposes as BLAS flags (no copies).

extension Tape {
    /// Batched matrix product C = op(A) · op(B), op(X) = Xᵀ (last two dims swapped) when its flag is set.
    ///
    /// Shapes: `a` is [..., M, K] ([..., K, M] when `transposeA`); `b` is either [..., K, N] with the same
    /// leading dims as `a`, or 2-D [K, N] ([N, K] when `transposeB`) shared by every batch entry.
    /// Result: [..., M, N]. Both operands need rank ≥ 2.
    ///
    /// Backward: dop(A) = dC · op(B)ᵀ, dop(B) = op(A)ᵀ · dC, written back through the same flags;
    /// a shared 2-D `b` accumulates over the batch in batch order (deterministic).
    public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank >= 2, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        precondition(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let lead = Array(a.shape.dropLast(2))
        let sharedB = b.rank == 2
        precondition(sharedB || Array(b.shape.dropLast(2)) == lead,
                     "matmul: batch dims differ: \(a.shape) and \(b.shape)")
        let batch = lead.reduce(1, *)
        let out = makeTensor(lead + [m, n], requiresGrad: needsGrad(a, b))
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]
        let aStride = m * k, bStride = sharedB ? 0 : k * n, cStride = m * n

        if sharedB && !transposeA {
            // One gemm over all rows: [batch·M, K] · op(B).
            sgemm(transA: false, transB: transposeB, m: batch * m, n: n, k: k, a: a.data, lda: lda,
                  b: b.data, ldb: ldb, beta: 0, c: out.data, ldc: n)
        } else {
            for i in 0..<batch {
                sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, a: a.data + i * aStride, lda: lda,
                      b: b.data + i * bStride, ldb: ldb, beta: 0, c: out.data + i * cStride, ldc: n)
            }
        }
        guard out.requiresGrad else { return out }
        record(out) { [unowned self] in
            guard let dc = out.grad else { return }
            if a.requiresGrad {
                let (da, overwrite) = self.gradientForWrite(of: a)
                let beta: Float = overwrite ? 0 : 1   // each batch entry's dA slice is written once
                for i in 0..<batch {
                    let dci = dc + i * cStride, bi = b.data + i * bStride, dai = da + i * aStride
                    if !transposeA {   // dA[M,K] += dC[M,N] · op(B)ᵀ
                        sgemm(transA: false, transB: !transposeB, m: m, n: k, k: n, a: dci, lda: n,
                              b: bi, ldb: ldb, beta: beta, c: dai, ldc: k)
                    } else {           // dA[K,M] += op(B) · dCᵀ
                        sgemm(transA: transposeB, transB: true, m: k, n: m, k: n, a: bi, lda: ldb,
                              b: dci, ldb: n, beta: beta, c: dai, ldc: m)
                    }
                }
            }
            if b.requiresGrad {
                let db = self.gradient(of: b)
                for i in 0..<batch {
                    let dci = dc + i * cStride, ai = a.data + i * aStride, dbi = db + i * bStride
                    if !transposeB {   // dB[K,N] += op(A)ᵀ · dC
                        sgemm(transA: !transposeA, transB: false, m: k, n: n, k: m, a: ai, lda: lda,
                              b: dci, ldb: n, beta: 1, c: dbi, ldc: n)
                    } else {           // dB[N,K] += dCᵀ · op(A)
                        sgemm(transA: true, transB: transposeA, m: n, n: k, k: m, a: dci, lda: n,
                              b: ai, ldb: lda, beta: 1, c: dbi, ldc: k)
                    }
                }
            }
        }
        return out
    }
}
