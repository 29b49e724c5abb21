// Parallel: the thread settings, and fixed-chunk loops run with DispatchQueue.concurrentPerform.


import Foundation
import CBF16
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
    public static var workers: Int { settings.read().workers }

    /// When true, sgemm calls outside attention use OpenBLAS's own threads (`workers` of them).
    public static var blasThreadsItself: Bool { settings.read().blasThreadsItself }

    /// The process-wide settings, behind a lock (set by the driver, read by every kernel call).
    private static let settings = ThreadSettings()

    /// Products with fewer multiply-adds than this run as one sgemm call.
    static let gemmSplitThreshold = 1 << 18

    /// Sets the worker count of all kernels (n ≥ 1), bf16 products included, and how big products are threaded.
    public static func setThreads(_ n: Int, blasThreadsItself: Bool = false) {
        settings.write(workers: max(1, n), blasThreadsItself: blasThreadsItself)
        openblas_set_num_threads(blasThreadsItself ? Int32(max(1, n)) : 1)
        cbf16_set_threads(Int32(max(1, n)))   // oneDNN's bf16 products thread themselves (OpenMP)
    }

    /// Runs `body(0)`, …, `body(n - 1)` concurrently and returns when all have. The kernels' contract is
    /// that each index reads shared input and writes only its own part of the output (a row block, a
    /// head, a chunk's partial sum), which is what makes handing them raw pointers sound: the closure is
    /// not `@Sendable` because buffers are not, and this is the one place that says so.
    public static func concurrently(_ n: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: n) { shared.value($0) }
        }
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
        concurrently(chunks) { c in
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

/// `Parallel`'s settings: OpenBLAS is set to one thread when they are first read.
private final class ThreadSettings: @unchecked Sendable {
    private let lock = NSLock()
    private var workers: Int
    private var blasThreadsItself = false

    init() {
        openblas_set_num_threads(1)
        workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    func read() -> (workers: Int, blasThreadsItself: Bool) {
        lock.lock(); defer { lock.unlock() }
        return (workers, blasThreadsItself)
    }

    func write(workers: Int, blasThreadsItself: Bool) {
        lock.lock(); defer { lock.unlock() }
        self.workers = workers
        self.blasThreadsItself = blasThreadsItself
    }
}

/// A value handed to concurrent workers under `Parallel.concurrently`'s contract (disjoint writes).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
