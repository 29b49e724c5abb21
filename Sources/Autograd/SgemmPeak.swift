// SgemmPeak: the sgemm throughput of this process, the denominator of MFU.

import Foundation
import CBLAS

extension Parallel {
    /// Measured single-precision GEMM throughput in FLOP/s (2·n³ per product) on n×n matrices with the
    /// current worker count: the better of OpenBLAS threading the product itself and our split of it, so
    /// an MFU computed against it is never flattered. Takes about `repeats` products per variant after one
    /// warm-up each (n = 1024: ~2 GFLOP per product).
    ///
    /// Memory: the OpenBLAS-threaded variant starts OpenBLAS's thread pool, whose buffers stay resident
    /// (about 200 MB here). Pass `includeOpenBLASThreading: false` (only our split is timed) when peak
    /// resident memory is being measured in the same process, or measure the peak in another process.
    public static func sgemmPeakFLOPS(size n: Int = 1024, repeats: Int = 8,
                                      includeOpenBLASThreading: Bool = true) -> Double {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(n * n) { a[i] = Float(i % 7) * 0.1; b[i] = Float(i % 5) * 0.1; c[i] = 0 }
        func time(_ product: () -> Void) -> Double { bestProductFLOPS(size: n, repeats: repeats, product) }
        let split = time {
            sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0, c: c, ldc: n)
        }
        guard includeOpenBLASThreading && workers > 1 else { return split }
        openblas_set_num_threads(Int32(workers))
        let native = time {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n),
                        b, Int32(n), 0, c, Int32(n))
        }
        openblas_set_num_threads(blasThreadsItself ? Int32(workers) : 1)
        return max(split, native)
    }

    /// FLOP/s of an n×n·n×n product (2·n³) timed as the best of `repeats` calls of `product` after one warm-up.
    static func bestProductFLOPS(size n: Int, repeats: Int, _ product: () -> Void) -> Double {
        product()
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            product()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best
    }
}
