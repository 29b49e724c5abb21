// Parallel: splits non-BLAS loops into a fixed number of chunks run with DispatchQueue.concurrentPerform.

import Dispatch
import CBLAS

/// Thread settings shared by BLAS and the hand-written kernels.
///
/// Work is split into exactly `workers` contiguous chunks whatever the scheduling, and any reduction over
/// chunks is summed in chunk order, so results are bit-identical for the same `workers` count.
public enum Parallel {
    /// Number of chunks non-BLAS loops are split into (default 2, the cores of the reference machine).
    public private(set) static var workers: Int = 2

    /// Sets the worker count for hand-written kernels and OpenBLAS's thread count.
    public static func setThreads(_ n: Int) {
        workers = max(1, n)
        openblas_set_num_threads(Int32(workers))
    }

    /// Runs `body(range)` over `0..<count` split into at most `workers` contiguous ranges, in parallel when
    /// there is enough work (`count * costPerItem >= 32768`, a rough element-op count).
    @inline(__always)
    static func forRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(workers, count)
        if chunks <= 1 || count * costPerItem < 32768 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(chunkRange(c, of: chunks, count: count))
        }
    }

    /// Like `forRanges`, also passing the chunk index (0..<workers) so per-chunk partial results can be kept
    /// and combined in chunk order.
    @inline(__always)
    static func forChunks(_ count: Int, costPerItem: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let chunks = min(workers, count)
        if chunks <= 1 || count * costPerItem < 32768 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(c, chunkRange(c, of: chunks, count: count))
        }
    }

    /// The `c`-th of `chunks` contiguous ranges covering `0..<count`.
    @inline(__always)
    static func chunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, extra = count % chunks
        let start = c * base + min(c, extra)
        return start..<(start + base + (c < extra ? 1 : 0))
    }
}
