import FileFormats
import Foundation
import SeededRandom

/// Where a `TokenWindowLoader` is in its stream: saved in a checkpoint's `state.json` and
/// handed back to resume exactly.
public struct LoaderPosition: Codable, Sendable, Equatable {
    public var seed: UInt64
    /// Passes completed over the split (0 for the first).
    public var epoch: Int
    /// Windows already taken from this epoch's order.
    public var index: Int
    /// Windows per epoch when saved; a mismatch on resume means the dataset changed.
    public var windowsPerEpoch: Int

    public init(seed: UInt64, epoch: Int = 0, index: Int = 0, windowsPerEpoch: Int) {
        self.seed = seed
        self.epoch = epoch
        self.index = index
        self.windowsPerEpoch = windowsPerEpoch
    }

    enum CodingKeys: String, CodingKey { case seed, epoch, index, windowsPerEpoch = "windows_per_epoch" }
}

/// Training batches `[B, T]` of (input, target) windows in a seeded shuffled order without
/// replacement: each epoch is a fresh permutation of all windows (Fisher–Yates driven by
/// SplitMix64 seeded from `(seed, epoch)`), and a batch that reaches the end of an epoch
/// continues into the next one. The stream depends only on the split, `T`, `B` and the seed,
/// so restoring a saved `position` yields exactly the batches an uninterrupted run would.
public struct TokenWindowLoader {
    public let split: TokenSplit
    public let contextLength: Int
    public let batchSize: Int
    public private(set) var position: LoaderPosition
    let index: TokenSplit.WindowIndex
    /// The window order of `position.epoch`.
    var order: [UInt32]

    public var windowsPerEpoch: Int { index.count }

    /// - Parameters:
    ///   - contextLength: T ≥ 1 tokens per row.
    ///   - batchSize: B ≥ 1 rows per batch.
    ///   - seed: the shuffle seed of a fresh start.
    ///   - position: where to resume (its own seed wins over `seed`); nil starts at epoch 0, index 0.
    /// - Throws: `InputError` when the split holds fewer than `T + 1` tokens in every shard, or the
    ///   position was saved for a different split or context length.
    public init(split: TokenSplit, contextLength: Int, batchSize: Int, seed: UInt64, position: LoaderPosition? = nil) throws {
        guard contextLength >= 1, batchSize >= 1 else {
            throw InputError(key: "loader", "context length and batch size must be at least 1 (got \(contextLength), \(batchSize))")
        }
        self.split = split
        self.contextLength = contextLength
        self.batchSize = batchSize
        index = TokenSplit.WindowIndex(split, contextLength: contextLength)
        guard index.count > 0 else {
            throw InputError(key: split.name, "the \(split.name) split has \(split.tokenCount) tokens, too few for one window of \(contextLength + 1)")
        }
        self.position = LoaderPosition(seed: seed, windowsPerEpoch: index.count)
        order = []
        try restore(position ?? self.position)
    }

    /// Moves to a saved position (the seed comes from the position).
    public mutating func restore(_ saved: LoaderPosition) throws {
        guard saved.windowsPerEpoch == index.count else {
            throw InputError(key: "data position", "the saved position is for \(saved.windowsPerEpoch) windows per epoch, this split has \(index.count) at context \(contextLength): the dataset or context length changed")
        }
        guard saved.epoch >= 0, (0...index.count).contains(saved.index) else {
            throw InputError(key: "data position", "epoch \(saved.epoch), index \(saved.index) is outside 0...\(index.count)")
        }
        position = saved
        order = TokenWindowLoader.permutation(count: index.count, seed: saved.seed, epoch: saved.epoch)
    }

    /// The next batch; advances the position by `batchSize` windows.
    public mutating func next() -> TokenBatch {
        let T = contextLength, B = batchSize
        var inputs = [Int32](repeating: 0, count: B * T)
        var targets = [Int32](repeating: 0, count: B * T)
        inputs.withUnsafeMutableBufferPointer { inp in
            targets.withUnsafeMutableBufferPointer { tgt in
                for row in 0..<B {
                    if position.index == order.count {
                        position.epoch += 1
                        position.index = 0
                        order = TokenWindowLoader.permutation(count: index.count, seed: position.seed, epoch: position.epoch)
                    }
                    let w = Int(order[position.index])
                    position.index += 1
                    split.copyWindow(w, index: index, contextLength: T, inputs: inp.baseAddress! + row * T, targets: tgt.baseAddress! + row * T)
                }
            }
        }
        return TokenBatch(inputs: inputs, targets: targets, rows: B, columns: T)
    }

    /// A permutation of `0 ..< count` that depends only on `(seed, epoch)`.
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [UInt32] {
        var order = (0..<UInt32(count)).map { $0 }
        var rng = SplitMix64(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(rng.next(below: UInt64(i + 1)))
                order.swapAt(i, j)
            }
        }
        return order
    }
}

/// Validation batches in a fixed order: the same windows, in the same order, every time.
/// With `maxWindows` below the split's window count, windows are taken evenly spaced across
/// the whole split (not only its first documents).
public struct ValidationWindows {
    public let split: TokenSplit
    public let contextLength: Int
    public let batchSize: Int
    let index: TokenSplit.WindowIndex
    /// Global window indices, ascending.
    let windows: [Int]

    public init(split: TokenSplit, contextLength: Int, batchSize: Int, maxWindows: Int? = nil) throws {
        guard contextLength >= 1, batchSize >= 1 else {
            throw InputError(key: "loader", "context length and batch size must be at least 1 (got \(contextLength), \(batchSize))")
        }
        self.split = split
        self.contextLength = contextLength
        self.batchSize = batchSize
        index = TokenSplit.WindowIndex(split, contextLength: contextLength)
        let total = index.count
        if let maxWindows, maxWindows < total {
            windows = (0..<max(0, maxWindows)).map { $0 * total / maxWindows }
        } else {
            windows = Array(0..<total)
        }
    }

    /// Windows used (0 when the split is empty: then `batchCount` is 0 too).
    public var count: Int { windows.count }

    public var batchCount: Int { (windows.count + batchSize - 1) / batchSize }

    /// Batch `i` (0 ..< batchCount); the last may have fewer than `batchSize` rows.
    public func batch(_ i: Int) -> TokenBatch {
        let T = contextLength
        let lo = i * batchSize, hi = min(windows.count, lo + batchSize)
        let rows = max(0, hi - lo)
        var inputs = [Int32](repeating: 0, count: rows * T)
        var targets = [Int32](repeating: 0, count: rows * T)
        inputs.withUnsafeMutableBufferPointer { inp in
            targets.withUnsafeMutableBufferPointer { tgt in
                for r in 0..<rows {
                    split.copyWindow(windows[lo + r], index: index, contextLength: T, inputs: inp.baseAddress! + r * T, targets: tgt.baseAddress! + r * T)
                }
            }
        }
        return TokenBatch(inputs: inputs, targets: targets, rows: rows, columns: T)
    }
}
