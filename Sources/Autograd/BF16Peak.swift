// BF16Peak: the bf16 product throughput of this process, the MFU denominator of bf16 training.

import Foundation

extension Parallel {
    /// Measured bf16 matrix-product throughput in FLOP/s (2·n³ per product; bf16 operands, Float32
    /// accumulation, oneDNN with the current worker count) on n×n matrices: the best of `repeats` products
    /// after one warm-up. nil when bf16 products are unavailable (`BF16Products.isAvailable`).
    public static func bf16PeakFLOPS(size n: Int = 1024, repeats: Int = 8) -> Double? {
        guard BF16Products.isAvailable else { return nil }
        let a = UnsafeMutablePointer<UInt16>.allocate(capacity: n * n)
        let b = UnsafeMutablePointer<UInt16>.allocate(capacity: n * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        let values = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { values.deallocate() }
        for i in 0..<(n * n) { values[i] = Float(i % 7) * 0.1 }
        BF16Workspace.convert(values, a, count: n * n)
        for i in 0..<(n * n) { values[i] = Float(i % 5) * 0.1 }
        BF16Workspace.convert(values, b, count: n * n)
        return bestProductFLOPS(size: n, repeats: repeats) {
            bf16gemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0, c: c, ldc: n)
        }
    }
}
