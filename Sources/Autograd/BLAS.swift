// BLAS: the one place that calls cblas_sgemm.

import Dispatch
import CBLAS

/// C = alpha · op(A) · op(B) + beta · C, row-major, through OpenBLAS `cblas_sgemm`.
/// op(A) is [m, k], op(B) is [k, n], C is [m, n]; `lda`/`ldb`/`ldc` are row strides of the stored matrices
/// (so a column block of a wider matrix can be used in place).
///
/// OpenBLAS runs single-threaded (see `Parallel`); a large product is split into `Parallel.workers` row
/// blocks of C (column blocks when C has few rows) computed concurrently, each by one sgemm call. The split
/// depends only on the sizes and the worker count, so results are deterministic.
@inline(__always)
func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let workers = Parallel.workers
    if workers == 1 || m * n * k < Parallel.gemmSplitThreshold || Parallel.blasThreadsItself {
        sgemmSerial(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    if m >= n || m >= 64 * workers {
        Parallel.concurrently(workers) { w in
            let r = Parallel.chunkRange(w, of: workers, count: m)
            guard !r.isEmpty else { return }
            let aBlock = transA ? a + r.lowerBound : a + r.lowerBound * lda
            sgemmSerial(transA: transA, transB: transB, m: r.count, n: n, k: k, alpha: alpha,
                        a: aBlock, lda: lda, b: b, ldb: ldb, beta: beta, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    } else {
        Parallel.concurrently(workers) { w in
            let r = Parallel.chunkRange(w, of: workers, count: n)
            guard !r.isEmpty else { return }
            let bBlock = transB ? b + r.lowerBound * ldb : b + r.lowerBound
            sgemmSerial(transA: transA, transB: transB, m: m, n: r.count, k: k, alpha: alpha,
                        a: a, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: c + r.lowerBound, ldc: ldc)
        }
    }
}

/// One `cblas_sgemm` call on the calling thread (used inside parallel regions, and for small products).
@inline(__always)
func sgemmSerial(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
        else if beta != 1 { for r in 0..<m { for j in 0..<n { c[r * ldc + j] *= beta } } }
        return
    }
    if (m == 1 || n == 1) && beta == 0 {
        // sgemv scales y by beta; make sure stale NaNs in a reused buffer cannot survive as NaN · 0.
        if m == 1 { c.update(repeating: 0, count: n) } else { for r in 0..<m { c[r * ldc] = 0 } }
    }
    if m == 1 {
        // A row vector times a matrix: sgemv (sgemm would pack all of B for one row).
        // c[0, :] = alpha · op(B)ᵀ · a + beta · c, a = op(A)[0, :] (stride lda when A is stored [k, 1]).
        cblas_sgemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(transB ? n : k), Int32(transB ? k : n),
                    alpha, b, Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
        return
    }
    if n == 1 {
        // A matrix times a column vector: c[:, 0] = alpha · op(A) · b + beta · c (c has stride ldc).
        cblas_sgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(transA ? k : m), Int32(transA ? m : k),
                    alpha, a, Int32(lda), b, Int32(transB ? 1 : ldb), beta, c, Int32(ldc))
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
