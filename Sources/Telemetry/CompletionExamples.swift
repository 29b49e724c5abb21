import FileFormats
import Foundation

/// The special tokens and encoder the example builder needs. Any tokenizer fits: pass its `encode` and
/// the ids of `<|endoftext|>`, `<fim_prefix>`, `<fim_suffix>`, `<fim_middle>` and `<|pad|>`.
/// `supportsFIM` is false for a tokenizer without the three FIM tokens (a pretrained model's, such as
/// SmolLM2's): its FIM ids are placeholders, and examples with a suffix must be refused before layout.
public struct CompletionTokenizer {
    public var encode: (String) -> [Int32]
    public var endOfText: Int32
    public var fimPrefix: Int32
    public var fimSuffix: Int32
    public var fimMiddle: Int32
    public var pad: Int32
    public var supportsFIM: Bool
    public init(encode: @escaping (String) -> [Int32], endOfText: Int32, fimPrefix: Int32, fimSuffix: Int32,
                fimMiddle: Int32, pad: Int32, supportsFIM: Bool = true) {
        self.encode = encode; self.endOfText = endOfText; self.fimPrefix = fimPrefix
        self.fimSuffix = fimSuffix; self.fimMiddle = fimMiddle; self.pad = pad; self.supportsFIM = supportsFIM
    }
}

/// One training example from an accepted or partial event, kept as token parts so the layout can
/// truncate each part in its own direction for a given context length.
public struct CompletionExample: Equatable, Sendable {
    /// Tokens of the text before the cursor.
    public var prefix: [Int32]
    /// Tokens of the text after the cursor; nil when the event had no suffix (plain, not FIM, layout).
    public var suffix: [Int32]?
    /// Tokens of the kept text followed by `<|endoftext|>`.
    public var target: [Int32]
    public var eventID: String
    public var session: String
}

/// A rejected suggestion: counted and kept for later use (preference data, evaluation), never a target.
public struct RejectedCompletion: Equatable, Sendable {
    public var prefix: [Int32]
    public var suffix: [Int32]?
    public var suggestion: [Int32]
    public var eventID: String
}

public struct CompletionExampleSet: Sendable {
    public var examples: [CompletionExample] = []
    public var rejected: [RejectedCompletion] = []
    /// Events read, by outcome.
    public var countsByOutcome: [TelemetryOutcome: Int] = [:]
    /// Accepted or partial events whose kept text was empty (nothing to learn).
    public var emptyTargets = 0
    /// Examples that use the fill-in-the-middle layout.
    public var fimExamples: Int { examples.filter { $0.suffix != nil }.count }
}

public enum CompletionExamples {
    /// The text to learn from `event`: the edited text when known, else the accepted part; nil for rejected
    /// events and empty kept text.
    public static func target(of event: TelemetryEvent) -> String? {
        let kept = event.keptText
        return kept.isEmpty ? nil : kept
    }

    /// Turns events into examples (accepted / partial) and rejected completions.
    public static func build(_ events: [TelemetryEvent], tokenizer: CompletionTokenizer) -> CompletionExampleSet {
        var set = CompletionExampleSet()
        for e in events {
            set.countsByOutcome[e.outcome, default: 0] += 1
            let prefix = tokenizer.encode(e.prefix)
            let suffix = e.suffix.isEmpty ? nil : tokenizer.encode(e.suffix)
            if e.outcome == .rejected {
                set.rejected.append(RejectedCompletion(prefix: prefix, suffix: suffix, suggestion: tokenizer.encode(e.suggestion), eventID: e.id))
                continue
            }
            guard let text = target(of: e) else { set.emptyTargets += 1; continue }
            set.examples.append(CompletionExample(prefix: prefix, suffix: suffix, target: tokenizer.encode(text) + [tokenizer.endOfText],
                                                  eventID: e.id, session: e.session))
        }
        return set
    }

    /// Reads, validates and tokenizes a telemetry file for stage 2. Refuses (throws) when a line is bad
    /// (unless `allowBadLines`) or an event was not scrubbed (unless `requireScrubbed` is false).
    public static func load(from url: URL, tokenizer: CompletionTokenizer, requireScrubbed: Bool = true,
                            allowBadLines: Bool = false) throws -> CompletionExampleSet {
        let (events, validator) = try TelemetryLineReader.readEvents(from: url)
        if validator.badLines > 0, !allowBadLines {
            var errors = Array(validator.errors.prefix(20))
            if validator.badLines > errors.count {
                errors.append(InputError(file: url.path, "\(validator.badLines - errors.count) more bad lines (codetune data validate-telemetry lists them)"))
            }
            throw InputErrors(errors)
        }
        if requireScrubbed {
            let raw = events.filter { $0.scrubbed != true }.count
            if raw > 0 { throw InputError(file: url.path, "\(raw) of \(events.count) events are not scrubbed; run `codetune data scrub IN OUT` first") }
        }
        return build(events, tokenizer: tokenizer)
    }

    /// Splits examples into train and validation by a hash of their session, so one session's events
    /// never land on both sides. `fraction` of sessions (approximately) go to validation.
    public static func split(_ examples: [CompletionExample], validationFraction fraction: Double) -> (train: [CompletionExample], validation: [CompletionExample]) {
        var train: [CompletionExample] = [], validation: [CompletionExample] = []
        for e in examples {
            let h = SHA256Digest.hex(e.session).prefix(8)
            let u = Double(UInt32(h, radix: 16) ?? 0) / Double(UInt32.max)
            if u < fraction { validation.append(e) } else { train.append(e) }
        }
        return (train, validation)
    }

    /// Ignored label value (as PyTorch's `ignore_index`).
    public static let ignoreLabel: Int32 = -100

    /// The prompt tokens of `example` within `budget` tokens: `<fim_prefix> P <fim_suffix> S <fim_middle>`
    /// with the prefix cut from the left and the suffix from the right (the suffix gets at most a quarter
    /// unless the prefix is shorter), or the prefix alone cut from the left (`<|endoftext|>` when empty).
    static func prompt(_ example: CompletionExample, budget: Int, tokenizer t: CompletionTokenizer) -> [Int32] {
        if let s = example.suffix, budget >= 4 {
            let avail = budget - 3
            let sKeep = min(s.count, max(avail / 4, avail - example.prefix.count))
            let pKeep = min(example.prefix.count, avail - sKeep)
            return [t.fimPrefix] + example.prefix.suffix(pKeep) + [t.fimSuffix] + s.prefix(sKeep) + [t.fimMiddle]
        }
        if example.prefix.isEmpty { return [t.endOfText] }
        return Array(example.prefix.suffix(max(1, budget)))
    }

    /// The positions of `layout`'s row that hold a real token (the rest is right padding): at most `contextLength`.
    public static func rowLength(_ example: CompletionExample, contextLength T: Int, tokenizer t: CompletionTokenizer) -> Int {
        let target = min(example.target.count, T)
        return min(prompt(example, budget: T + 1 - target, tokenizer: t).count + target - 1, T)
    }

    /// One row of `contextLength` positions: `ids[t]` is the input token and `labels[t]` the token the model
    /// must predict after it — a target or end token, or -100 on prompt and padding positions. Long targets
    /// are cut to `contextLength` tokens; the prompt fills what is left (at least one token). Padding goes on
    /// the right, so with a causal mask no real token attends to padding.
    public static func layout(_ example: CompletionExample, contextLength T: Int, tokenizer t: CompletionTokenizer) -> (ids: [Int32], labels: [Int32]) {
        precondition(T >= 2, "context length must be at least 2")
        let target = Array(example.target.prefix(T))
        let p = prompt(example, budget: T + 1 - target.count, tokenizer: t)
        let seq = p + target
        var ids = [Int32](repeating: t.pad, count: T)
        var labels = [Int32](repeating: ignoreLabel, count: T)
        let n = min(seq.count - 1, T)
        for i in 0..<n {
            ids[i] = seq[i]
            if i + 1 >= p.count { labels[i] = seq[i + 1] }
        }
        return (ids, labels)
    }
}
