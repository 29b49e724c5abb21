import Corpus
import Foundation

/// One batch for the loop: `inputs` and `targets` are `[rows, columns]` row-major token ids,
/// `targets[r, t]` the token that should follow `inputs[r, ...t]`, or -100 where the position
/// does not count (prompt tokens of completion examples, padding).
public struct TrainingBatch: Sendable, Equatable {
    public var inputs: [Int32]
    public var targets: [Int32]
    public var rows: Int
    public var columns: Int

    public init(inputs: [Int32], targets: [Int32], rows: Int, columns: Int) {
        self.inputs = inputs
        self.targets = targets
        self.rows = rows
        self.columns = columns
    }

    /// Positions whose target counts towards the loss.
    public var targetCount: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}

/// A stage's data: training batches in a seeded order that can be saved and restored exactly,
/// and a fixed list of validation batches (the same every time they are measured).
public protocol StageData {
    /// The next training batch; advances `position`.
    mutating func nextBatch() -> TrainingBatch
    /// Where the training stream is (saved in checkpoints).
    var position: LoaderPosition { get }
    /// Moves the training stream to a saved position.
    mutating func restore(_ position: LoaderPosition) throws
    /// Number of validation batches available (the stage measures `min(val_batches, this)`).
    var validationBatchCount: Int { get }
    /// Validation batch `i` in `0..<validationBatchCount`.
    func validationBatch(_ i: Int) -> TrainingBatch
}

/// `next_token` data: windows of a prepared token dataset (its `train` split shuffled per
/// epoch, its `validation` split in a fixed order).
public struct TokenWindowData: StageData {
    var loader: TokenWindowLoader
    let validation: ValidationWindows?

    /// - Parameters:
    ///   - maxValidationBatches: validation windows are spread evenly over the split, this many batches' worth.
    public init(dataset: TokenDataset, context: Int, batchSize: Int, seed: UInt64, maxValidationBatches: Int) throws {
        loader = try TokenWindowLoader(split: try dataset.split("train"), contextLength: context, batchSize: batchSize, seed: seed)
        if dataset.manifest.splits["validation"] != nil {
            let split = try dataset.split("validation")
            let windows = split.windowCount(contextLength: context)
            validation = windows > 0
                ? try ValidationWindows(split: split, contextLength: context, batchSize: batchSize, maxWindows: maxValidationBatches * batchSize)
                : nil
        } else {
            validation = nil
        }
    }

    public mutating func nextBatch() -> TrainingBatch {
        let b = loader.next()
        return TrainingBatch(inputs: b.inputs, targets: b.targets, rows: b.rows, columns: b.columns)
    }

    public var position: LoaderPosition { loader.position }

    public mutating func restore(_ position: LoaderPosition) throws { try loader.restore(position) }

    public var validationBatchCount: Int { validation?.batchCount ?? 0 }

    public func validationBatch(_ i: Int) -> TrainingBatch {
        let b = validation!.batch(i)
        return TrainingBatch(inputs: b.inputs, targets: b.targets, rows: b.rows, columns: b.columns)
    }
}
