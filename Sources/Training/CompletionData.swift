import Corpus
import FileFormats
import Foundation
import Telemetry
import Tokenizer

/// `completion` data: telemetry events (accepted and partial completions, scrubbed), or a problems file
/// (exercises, mined functions: prompt → canonical solution, `ProblemCompletionExamples`), turned into
/// prompt → completion examples with the run's tokenizer, one example per row, loss only on the
/// completion tokens; each batch is only as wide as its longest row. Sessions are split between train and validation by a hash, so one
/// session's events never sit on both sides.
public struct CompletionData: StageData {
    var stream: CompletionBatchStream
    let validation: [TrainingBatch]

    /// Share of sessions held out for validation loss.
    public static let validationFraction = 0.1
    /// Training batches sorted by length together and trimmed to their longest row (`CompletionBatchStream`).
    public static let lengthBuckets = 16

    public init(events: URL, tokenizer: URL, context: Int, batchSize: Int, seed: UInt64, maxValidationBatches: Int) throws {
        let bpe = try BPETokenizer(contentsOf: tokenizer)
        let t = try CompletionTokenizer(bpe, source: tokenizer.path)
        let set = try ProblemCompletionExamples.isProblemsFile(events)
            ? ProblemCompletionExamples.load(from: events, tokenizer: t)
            : CompletionExamples.load(from: events, tokenizer: t)
        if !t.supportsFIM, let fim = set.examples.first(where: { $0.suffix != nil }) {
            throw InputError(file: events.path, "event \(fim.eventID) has a suffix (fill-in-the-middle), but the run's tokenizer \(tokenizer.path) has no <fim_prefix>/<fim_suffix>/<fim_middle> tokens")
        }
        var (train, held) = CompletionExamples.split(set.examples, validationFraction: Self.validationFraction)
        if train.isEmpty {
            throw InputError(file: events.path, "no accepted or partial completions to train on (\(set.examples.count) examples, \(set.rejected.count) rejected)")
        }
        if held.isEmpty { held = Array(train.suffix(max(1, train.count / 20))) }  // tiny files: a few training examples, marked in the docs
        stream = CompletionBatchStream(examples: train, batchSize: batchSize, contextLength: context, seed: seed, tokenizer: t,
                                       lengthBuckets: Self.lengthBuckets)
        var batches: [TrainingBatch] = []
        var start = 0
        while start < held.count && batches.count < maxValidationBatches {
            let chosen = held[start..<min(held.count, start + batchSize)]
            let rows = chosen.map { CompletionExamples.layout($0, contextLength: context, tokenizer: t) }
            let width = chosen.map { CompletionExamples.rowLength($0, contextLength: context, tokenizer: t) }.max() ?? context
            batches.append(TrainingBatch(inputs: rows.flatMap { $0.ids.prefix(width) }, targets: rows.flatMap { $0.labels.prefix(width) },
                                         rows: rows.count, columns: width))
            start += batchSize
        }
        validation = batches
    }

    public mutating func nextBatch() -> TrainingBatch {
        let b = stream.next()
        return TrainingBatch(inputs: b.ids, targets: b.labels, rows: b.batchSize, columns: b.contextLength)
    }

    /// `index` counts batches handed out; `windows_per_epoch` is the number of training examples.
    public var position: LoaderPosition {
        LoaderPosition(seed: stream.seed, epoch: 0, index: stream.position, windowsPerEpoch: stream.examples.count)
    }

    public mutating func restore(_ saved: LoaderPosition) throws {
        guard saved.windowsPerEpoch == stream.examples.count, saved.seed == stream.seed, saved.index >= 0 else {
            throw InputError(key: "data position", "the saved position is for \(saved.windowsPerEpoch) examples (seed \(saved.seed)); the telemetry now gives \(stream.examples.count): the data changed")
        }
        stream.position = saved.index
    }

    public var validationBatchCount: Int { validation.count }

    public func validationBatch(_ i: Int) -> TrainingBatch { validation[i] }
}
