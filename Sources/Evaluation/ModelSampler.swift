import Autograd
import FileFormats
import Foundation
import Models
import Problems
import SeededRandom
import Tokenizer

/// Why a sample stopped.
public enum FinishReason: String, Codable, Sendable {
    /// A stop sequence appeared (it is cut off, with everything after it).
    case stop
    /// The model produced `<|endoftext|>` (or the config's `eos_token_id`).
    case endOfText = "end_of_text"
    /// `max_new_tokens` were generated.
    case length
    /// The model's context (`max_position_embeddings`) is full.
    case context
}

/// The samples of one prompt and what it took to make them.
public struct Generation: Sendable {
    /// One completion per sample, cut at the first stop sequence, without `<|endoftext|>`.
    public var completions: [String]
    public var finishReasons: [FinishReason]
    /// Tokens sampled per completion (an `<|endoftext|>` counts; tokens past a stop sequence count too).
    public var generatedTokens: [Int]
    /// The sampled ids of each completion, in order (`generatedTokens[j]` of them).
    public var tokens: [[Int32]]
    /// Prompt tokens fed to the model (after truncation).
    public var promptTokens: Int
    /// Prompt tokens dropped from the left because the prompt did not fit the context (0 normally).
    public var droppedPromptTokens: Int
    /// Wall-clock seconds: prefill plus decoding.
    public var seconds: Double
}

/// KV-cache sampling over a `MistralModel`: `n` samples of a prompt are prefilled once at batch 1, the
/// cache is replicated to the batch, and the batch decodes together; when samples finish, the ones still
/// running move to a smaller cache (sizes n, then powers of two below n), so finished samples stop
/// costing compute.
///
/// **Seeds.** Sample `j` of a call with `seed` draws from its own generator,
/// `SeededGenerator(seed: sampleSeed(seed, index: j))`, so it does not depend on the batch it shares or
/// on which samples finish first; the same seed and settings give the same completions. `EvalRun` seeds
/// each task with `taskSeed(suiteSeed, taskID:)`, so results do not depend on the order of tasks.
///
/// **Context.** A prompt longer than `promptBudget(maxNewTokens:)` tokens (the context minus room for
/// `min(max_new_tokens, context / 2)` new tokens) loses tokens from its left (reported in
/// `Generation.droppedPromptTokens`); a sample ends when the context is full.
///
/// Not thread-safe: one sampler per thread (the caches and scratch buffers are reused between calls).
/// After the caches are allocated, decoding allocates only what `MistralModel.advance` does.
public final class ModelSampler: CompletionSource {
    public let model: MistralModel
    public let tokenizer: BPETokenizer
    /// Ids that end a sample: `<|endoftext|>` and the config's `eos_token_id`s (for a GGUF model, its
    /// `tokenizer.ggml.eos_token_id`).
    public let endIds: Set<Int32>
    /// Positions a sequence can hold (the model's `max_position_embeddings`).
    public var context: Int { model.config.maxPositionEmbeddings }

    private var prefillCache: KVCache?
    /// Decoding caches by batch size, kept between calls.
    private var caches: [Int: KVCache] = [:]
    private var tokenSampler: TokenSampler

    /// Checks that the tokenizer's ids fit the model's vocabulary.
    public init(model: MistralModel, tokenizer: BPETokenizer) throws {
        guard tokenizer.vocabularySize <= model.config.vocabSize else {
            throw InputError(key: "tokenizer.json", "the tokenizer has \(tokenizer.vocabularySize) ids but the model's vocabulary is \(model.config.vocabSize)")
        }
        self.model = model
        self.tokenizer = tokenizer
        var ends = Set<Int32>()
        if let id = tokenizer.id(ofSpecial: BPETokenizer.endOfText) { ends.insert(id) }
        for id in model.config.eosTokenIds { ends.insert(Int32(id)) }
        endIds = ends
        tokenSampler = TokenSampler(vocabularySize: model.config.vocabSize)
    }

    /// Loads the model (`config.json` + `model.safetensors`) and `tokenizer.json` of a checkpoint directory
    /// (codetune's, or a Hugging Face model directory), or the model and tokenizer of a GGUF file.
    public convenience init(checkpoint: URL) throws {
        if Checkpoint.isGGUF(checkpoint) {
            try self.init(model: try MistralModel.load(pretrained: checkpoint),
                          tokenizer: try GGUFTokenizer(contentsOf: checkpoint).tokenizer)
            return
        }
        let model = try MistralModel.load(pretrained: checkpoint)
        let tokenizerURL = checkpoint.appendingPathComponent(Checkpoint.tokenizerFile)
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw InputError(file: tokenizerURL.path, "missing: sampling needs the checkpoint's tokenizer.json")
        }
        try self.init(model: model, tokenizer: try BPETokenizer(contentsOf: tokenizerURL))
    }

    /// Most prompt tokens kept when up to `maxNewTokens` will be generated.
    public func promptBudget(maxNewTokens: Int) -> Int {
        max(1, context - min(max(1, maxNewTokens), context / 2))
    }

    public func completions(for prompt: String, n: Int, settings: SamplingSettings, seed: UInt64) throws -> [String] {
        try generate(prompt: prompt, n: n, settings: settings, seed: seed).completions
    }

    /// Draws `n` samples of `prompt`. Throws `InputError` for settings out of range.
    /// `Generation.seconds` includes encoding the prompt.
    public func generate(prompt: String, n: Int, settings: SamplingSettings, seed: UInt64) throws -> Generation {
        let start = DispatchTime.now().uptimeNanoseconds
        var ids = tokenizer.encode(prompt)
        if ids.isEmpty { ids = [endIds.min() ?? 0] }  // an empty prompt starts from <|endoftext|>, as GPT-2 does
        var g = try generate(promptTokens: ids, n: n, settings: settings, seed: seed)
        g.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return g
    }

    /// `generate(prompt:…)` from token ids (not empty, each in the model's vocabulary).
    public func generate(promptTokens: [Int32], n: Int, settings: SamplingSettings, seed: UInt64) throws -> Generation {
        guard n >= 1 else { throw InputError(key: "n", "must be at least 1, got \(n)") }
        guard !promptTokens.isEmpty else { throw InputError(key: "prompt", "no prompt tokens") }
        guard settings.maxNewTokens >= 1 else { throw InputError(key: "max_new_tokens", "must be at least 1") }
        guard settings.temperature >= 0, settings.temperature.isFinite else { throw InputError(key: "temperature", "must be ≥ 0") }
        guard settings.topP > 0, settings.topP <= 1 else { throw InputError(key: "top_p", "must be in (0, 1]") }
        guard settings.topK >= 0 else { throw InputError(key: "top_k", "must be ≥ 0") }
        let start = DispatchTime.now().uptimeNanoseconds
        var ids = promptTokens
        let budget = promptBudget(maxNewTokens: settings.maxNewTokens)
        let dropped = max(0, ids.count - budget)
        if dropped > 0 { ids.removeFirst(dropped) }

        let prefill = cache(batch: 1, prefill: true)
        prefill.reset()
        try model.advance(prefill, ids: ids, length: ids.count)
        var cache = prefill
        if n > 1 {
            cache = self.cache(batch: n, prefill: false)
            cache.replicate(prefill)
        }

        var state = DecodeState(n: n, settings: settings, seed: seed, maxBytes: settings.maxNewTokens * 16)
        // rows[r] = the sample decoded in row r of `cache`; rows.count <= cache.batch.
        var rows = Array(0..<n)
        var feed = [Int32](repeating: 0, count: n)
        var active = [Int]()
        active.reserveCapacity(n)
        let v = model.config.vocabSize
        let tokenBytes = tokenizer.tokenBytes   // ids past the tokenizer's (a padded vocabulary) decode to nothing
        while true {
            let logits = cache.lastLogits.baseAddress!
            active.removeAll(keepingCapacity: true)
            for (r, s) in rows.enumerated() {
                let token = tokenSampler.sample(logits + r * v, settings: settings, rng: &state.generators[s])
                state.generated[s] += 1
                state.tokens[s].append(token)
                if endIds.contains(token) {
                    state.finish(s, .endOfText)
                } else if state.append(token, bytes: Int(token) < tokenBytes.count ? tokenBytes[Int(token)] : [], to: s) {
                    state.finish(s, .stop)
                } else if state.generated[s] >= settings.maxNewTokens {
                    state.finish(s, .length)
                } else if cache.remaining == 0 {
                    state.finish(s, .context)
                } else {
                    active.append(r)
                    feed[active.count - 1] = token
                }
            }
            if active.isEmpty { break }
            if active.count < rows.count {
                // Finished rows drop out: shrink to the smallest cache size that holds the running ones.
                let size = Self.batchSize(for: active.count, of: n)
                let target = size == cache.batch ? cache : self.cache(batch: size, prefill: false)
                target.gather(rows: active, from: cache)
                cache = target
                for (i, r) in active.enumerated() { active[i] = rows[r] }
                swap(&rows, &active)
                if feed.count > size { feed.removeLast(feed.count - size) }   // keeps the storage
            }
            // Padding rows (rows.count..<batch) are fed token 0; their logits are ignored.
            for i in rows.count..<cache.batch { feed[i] = 0 }
            try model.advance(cache, ids: feed, length: 1)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Generation(completions: state.completions(), finishReasons: state.reasons.map { $0 ?? .length },
                          generatedTokens: state.generated, tokens: state.tokens, promptTokens: ids.count, droppedPromptTokens: dropped,
                          seconds: seconds)
    }

    /// The decoding batch for `active` running samples of `n`: n itself, else the smallest power of two ≥ active.
    static func batchSize(for active: Int, of n: Int) -> Int {
        var size = 1
        while size < active { size *= 2 }
        return min(size, n)
    }

    private func cache(batch: Int, prefill: Bool) -> KVCache {
        if prefill {
            if let c = prefillCache { return c }
            let c = KVCache(config: model.config, batch: 1, capacity: context)
            prefillCache = c
            return c
        }
        if let c = caches[batch] { return c }
        let c = KVCache(config: model.config, batch: batch, capacity: context)
        caches[batch] = c
        return c
    }
}

/// Seed of sample `index` of a call seeded `seed` (SplitMix64 of the pair).
public func sampleSeed(_ seed: UInt64, index: Int) -> UInt64 {
    SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(truncatingIfNeeded: index) &+ 0x5851_F42D_4C95_7F2D))
}

/// Seed of task `taskID` in a run seeded `seed`: FNV-1a of the task id mixed with the seed, so a task's
/// samples do not depend on which other tasks run or in what order.
public func taskSeed(_ seed: UInt64, taskID: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in taskID.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return SplitMix64.mix(seed ^ SplitMix64.mix(h))
}

/// Per-sample decoding state: generators, generated bytes, stop matching.
struct DecodeState {
    var generators: [SeededGenerator]
    var generated: [Int]
    var tokens: [[Int32]]
    var reasons: [FinishReason?]
    /// The completion's bytes so far; a stop cuts it at `cut`.
    var bytes: [[UInt8]]
    var cut: [Int]
    let stops: [[UInt8]]

    init(n: Int, settings: SamplingSettings, seed: UInt64, maxBytes: Int) {
        generators = (0..<n).map { SeededGenerator(seed: sampleSeed(seed, index: $0)) }
        generated = [Int](repeating: 0, count: n)
        tokens = (0..<n).map { _ in
            var t = [Int32]()
            t.reserveCapacity(settings.maxNewTokens)
            return t
        }
        reasons = [FinishReason?](repeating: nil, count: n)
        bytes = (0..<n).map { _ in
            var b = [UInt8]()
            b.reserveCapacity(maxBytes)
            return b
        }
        cut = [Int](repeating: -1, count: n)
        stops = settings.stop.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    mutating func finish(_ s: Int, _ reason: FinishReason) { reasons[s] = reason }

    /// Appends a token's bytes to sample `s`; true when a stop sequence now occurs in the completion
    /// (`cut[s]` is then where the earliest one starts). Only the new tail is searched.
    mutating func append(_ token: Int32, bytes tokenBytes: [UInt8], to s: Int) -> Bool {
        let old = bytes[s].count
        bytes[s].append(contentsOf: tokenBytes)
        return bytes[s].withUnsafeBufferPointer { b in
            let count = b.count
            var earliest = Int.max
            for stop in stops {
                let m = stop.count
                guard count >= m else { continue }
                var i = max(0, old - m + 1)
                while i <= count - m && i < earliest {
                    var j = 0
                    while j < m && b[i + j] == stop[j] { j += 1 }
                    if j == m { earliest = i; break }
                    i += 1
                }
            }
            if earliest != Int.max { cut[s] = earliest; return true }
            return false
        }
    }

    /// The completions: bytes up to the stop, as UTF-8 (invalid sequences become U+FFFD).
    func completions() -> [String] {
        bytes.indices.map { s in
            let end = cut[s] >= 0 ? cut[s] : bytes[s].count
            return String(decoding: bytes[s][0..<end], as: UTF8.self)
        }
    }
}
