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
    /// Columns of this batch: the stream's context length, or less when trimmed (`lengthBuckets`).
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
///
/// With `lengthBuckets` K ≥ 1, each run of K batches (K × batchSize consecutive slots of the shuffled
/// order) is sorted by row length and cut into K batches, handed out in a seeded order; each batch is then
/// trimmed to its longest row, rounded up to `columnMultiple` (at most `contextLength`). Rows are padded on
/// the right and padding takes no loss, so trimming changes nothing but the work: a batch of short examples
/// (generated exercises: ~120 of 192 positions) no longer pays for the whole context. K = 0 keeps every
/// batch `contextLength` wide in the shuffled order.
public struct CompletionBatchStream {
    public let examples: [CompletionExample]
    public let batchSize: Int
    public let contextLength: Int
    public let seed: UInt64
    public let tokenizer: CompletionTokenizer
    /// Batches sorted by length together (0: no bucketing, full-width batches).
    public let lengthBuckets: Int
    /// Batches produced so far; set it to resume.
    public var position = 0
    private var cachedEpoch = -1
    private var order: [Int] = []
    private var cachedWindow = -1
    /// The current window's batches: example indices with their row lengths.
    private var windowBatches: [[(example: Int, length: Int)]] = []

    /// Trimmed widths are multiples of this (fewer distinct product shapes).
    public static let columnMultiple = 16

    /// Precondition: `examples` is not empty, `batchSize ≥ 1`, `contextLength ≥ 2`, `lengthBuckets ≥ 0`.
    public init(examples: [CompletionExample], batchSize: Int, contextLength: Int, seed: UInt64, tokenizer: CompletionTokenizer, lengthBuckets: Int = 0) {
        precondition(!examples.isEmpty && batchSize >= 1 && contextLength >= 2 && lengthBuckets >= 0)
        self.examples = examples; self.batchSize = batchSize; self.contextLength = contextLength
        self.seed = seed; self.tokenizer = tokenizer; self.lengthBuckets = lengthBuckets
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

    /// The examples of batch `p` with their row lengths: slots `p·B ..< (p+1)·B` (every length the context
    /// length: nothing is cut), or with buckets, its share of its window sorted by length.
    mutating func batchExamples(_ p: Int) -> [(example: Int, length: Int)] {
        let B = batchSize
        guard lengthBuckets > 0 else { return (0..<B).map { (exampleIndex(p * B + $0), contextLength) } }
        let examples = self.examples, T = contextLength, tokenizer = self.tokenizer
        func length(_ e: Int) -> Int { CompletionExamples.rowLength(examples[e], contextLength: T, tokenizer: tokenizer) }
        let K = lengthBuckets, window = p / K
        if window != cachedWindow {
            let slots = (0..<(K * B)).map { exampleIndex(window * K * B + $0) }
            let sorted = slots.enumerated().map { (length: length($0.element), slot: $0.offset, example: $0.element) }
                .sorted { ($0.length, $0.slot) < ($1.length, $1.slot) }
            var batches = (0..<K).map { k in sorted[(k * B)..<((k + 1) * B)].map { (example: $0.example, length: $0.length) } }
            var rng = SplitMix64(seed: seed ^ (UInt64(window) &* 0x9E37_79B9_7F4A_7C15) ^ 0xB0C4_E75E_55ED_0001)
            for i in stride(from: K - 1, to: 0, by: -1) { batches.swapAt(i, rng.int(0..<(i + 1))) }
            windowBatches = batches
            cachedWindow = window
        }
        return windowBatches[p % K]
    }

    public mutating func next() -> CompletionBatch {
        let T = contextLength
        let chosen = batchExamples(position)
        let rows = chosen.map { CompletionExamples.layout(examples[$0.example], contextLength: T, tokenizer: tokenizer) }
        var width = T
        if lengthBuckets > 0, let longest = chosen.map(\.length).max() {
            width = min(T, max(1, (longest + Self.columnMultiple - 1) / Self.columnMultiple) * Self.columnMultiple)
        }
        var ids = [Int32](), labels = [Int32]()
        ids.reserveCapacity(batchSize * width); labels.reserveCapacity(batchSize * width)
        var targets = 0
        for row in rows {
            ids.append(contentsOf: row.ids.prefix(width))
            labels.append(contentsOf: row.labels.prefix(width))
            targets += row.labels.reduce(0) { $0 + ($1 == CompletionExamples.ignoreLabel ? 0 : 1) }
        }
        position += 1
        return CompletionBatch(batchSize: batchSize, contextLength: width, ids: ids, labels: labels, targetTokens: targets)
    }
}
