// Parallel: the thread settings, and fixed-chunk loops run with DispatchQueue.concurrentPerform.

import Foundation
import CBLAS

/// Thread settings shared by BLAS and the hand-written kernels.
///
/// All parallelism is ours: OpenBLAS is kept at one thread and large sgemm calls are split into
/// `workers` blocks run concurrently (see `sgemm`), like every other loop. So no OpenBLAS worker spins
/// while our kernels run, and attention can call sgemm from several workers at once.
/// (`blasThreadsItself = true` hands threading of each whole product back to OpenBLAS instead.)
///
/// Work is split into exactly `workers` contiguous chunks whatever the scheduling, and any reduction over
/// chunks is combined in chunk order, so results are bit-identical for the same `workers` count.
public enum Parallel {
    /// Number of workers (default: the active processor count). Set with `setThreads`.
    public private(set) static var workers: Int = {
        openblas_set_num_threads(1)
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// When true, sgemm calls outside attention use OpenBLAS's own threads (`workers` of them).
    public private(set) static var blasThreadsItself = false

    /// Products with fewer multiply-adds than this run as one sgemm call.
    static let gemmSplitThreshold = 1 << 18

    /// Sets the worker count of all kernels (n ≥ 1) and how big products are threaded.
    public static func setThreads(_ n: Int, blasThreadsItself: Bool = false) {
        _ = workers
        workers = max(1, n)
        self.blasThreadsItself = blasThreadsItself
        openblas_set_num_threads(blasThreadsItself ? Int32(workers) : 1)
    }

    /// Runs `body(range)` over `0..<count` split into at most `workers` contiguous ranges, in parallel when
    /// there is enough work (`count * costPerItem >= 32768`, a rough element-op count).
    @inline(__always)
    static func forRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        forChunks(count, costPerItem: costPerItem) { _, r in body(r) }
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
