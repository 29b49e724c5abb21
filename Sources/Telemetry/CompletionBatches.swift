import SeededRandom

/// Rows of completion examples, one example per row, padded on the right: ids `[B, T]` and labels
/// `[B, T]` (row-major, Int32, -100 where no loss is taken).
///
/// Padding rather than packing: the project's attention op offers a causal mask (optionally with a
/// sliding window) but no block-diagonal mask, so packing several examples into a row would let later
/// examples attend to earlier ones. One example per row with right padding keeps attention inside the
/// example with nothing but the causal mask, and the -100 labels keep padding and prompts out of the loss.
public struct CompletionBatch: Sendable {
    public var batchSize: Int
    public var contextLength: Int
    /// `[batchSize × contextLength]` input token ids.
    public var ids: [Int32]
    /// `[batchSize × contextLength]` next-token labels, -100 where ignored.
    public var labels: [Int32]
    /// Positions that carry a label (the tokens the loss averages over).
    public var targetTokens: Int
}

/// An endless, seeded stream of batches: each epoch visits every example once in a shuffled order, and
/// `position` (batches handed out) can be saved and set again to resume exactly.
public struct CompletionBatchStream {
    public let examples: [CompletionExample]
    public let batchSize: Int
    public let contextLength: Int
    public let seed: UInt64
    public let tokenizer: CompletionTokenizer
    /// Batches produced so far; set it to resume.
    public var position = 0
    private var cachedEpoch = -1
    private var order: [Int] = []

    /// Precondition: `examples` is not empty, `batchSize ≥ 1`, `contextLength ≥ 2`.
    public init(examples: [CompletionExample], batchSize: Int, contextLength: Int, seed: UInt64, tokenizer: CompletionTokenizer) {
        precondition(!examples.isEmpty && batchSize >= 1 && contextLength >= 2)
        self.examples = examples; self.batchSize = batchSize; self.contextLength = contextLength
        self.seed = seed; self.tokenizer = tokenizer
    }

    /// The example index at global slot `g` (epoch `g / n`, its own permutation).
    mutating func exampleIndex(_ g: Int) -> Int {
        let n = examples.count
        let epoch = g / n
        if epoch != cachedEpoch {
            var rng = SplitMix64(seed: seed &+ UInt64(epoch) &* 0xD1B5_4A32_D192_ED03)
            order = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0..<(i + 1))) }
            cachedEpoch = epoch
        }
        return order[g % n]
    }

    public mutating func next() -> CompletionBatch {
        let T = contextLength
        var ids = [Int32](), labels = [Int32]()
        ids.reserveCapacity(batchSize * T); labels.reserveCapacity(batchSize * T)
        var targets = 0
        for b in 0..<batchSize {
            let ex = examples[exampleIndex(position * batchSize + b)]
            let row = CompletionExamples.layout(ex, contextLength: T, tokenizer: tokenizer)
            ids.append(contentsOf: row.ids)
            labels.append(contentsOf: row.labels)
            targets += row.labels.reduce(0) { $0 + ($1 == CompletionExamples.ignoreLabel ? 0 : 1) }
        }
        position += 1
        return CompletionBatch(batchSize: batchSize, contextLength: T, ids: ids, labels: labels, targetTokens: targets)
    }
}
