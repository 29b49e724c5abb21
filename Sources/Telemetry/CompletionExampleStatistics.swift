/// What a set of completion examples holds at a context length: for `validate-telemetry --tokenizer`
/// and for training logs.
public struct CompletionExampleStatistics: Sendable, Equatable {
    public var examples = 0
    public var fimExamples = 0
    public var rejectedKept = 0
    public var emptyTargets = 0
    /// Labelled positions (target tokens plus end tokens) after layout.
    public var targetTokens = 0
    /// Non-padding positions after layout.
    public var usedPositions = 0
    /// Rows whose prompt had to be cut / whose target had to be cut.
    public var promptsCut = 0
    public var targetsCut = 0
    public var contextLength = 0

    /// Fraction of row positions that are padding.
    public var paddingFraction: Double {
        examples == 0 ? 0 : 1 - Double(usedPositions) / Double(examples * contextLength)
    }

    public init(_ set: CompletionExampleSet, contextLength T: Int, tokenizer: CompletionTokenizer) {
        contextLength = T
        examples = set.examples.count
        fimExamples = set.fimExamples
        rejectedKept = set.rejected.count
        emptyTargets = set.emptyTargets
        for ex in set.examples {
            let promptLength = ex.suffix.map { ex.prefix.count + $0.count + 3 } ?? max(1, ex.prefix.count)
            if ex.target.count > T { targetsCut += 1 }
            if promptLength + min(ex.target.count, T) > T + 1 { promptsCut += 1 }
            let row = CompletionExamples.layout(ex, contextLength: T, tokenizer: tokenizer)
            for (id, label) in zip(row.ids, row.labels) {
                if label != CompletionExamples.ignoreLabel { targetTokens += 1 }
                if id != tokenizer.pad { usedPositions += 1 }
            }
        }
    }
}
