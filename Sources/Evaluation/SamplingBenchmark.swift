import Autograd
import Foundation
import Models
import Problems
import SeededRandom
import Tokenizer

/// Sampling speed of `ModelSampler` on a random model (default: the reference shape of docs/benchmarks.md): a prompt of
/// `promptTokens` is prefilled once, then `n` samples decode exactly `newTokens` tokens each (no end
/// token, no stops), so every configuration does the same work.
public enum SamplingBenchmark {
    public struct Result: Codable, Sendable {
        public var n: Int
        public var prompt_tokens: Int
        public var new_tokens: Int
        public var temperature: Double
        public var top_p: Double
        public var top_k: Int
        public var threads: Int
        /// Best of `repeats` runs: seconds for prefill + decoding.
        public var seconds: Double
        /// n · new_tokens / seconds.
        public var tokens_per_s: Double
        public var samples_per_s: Double
    }

    /// Temperature 0.8, top-p 0.95, no top-k (its `maxNewTokens` and `stop` are not used).
    public static var defaultSettings: SamplingSettings {
        var s = SamplingSettings()
        s.temperature = 0.8
        s.topP = 0.95
        s.topK = 0
        return s
    }

    /// Runs `repeats` times after one warm-up and keeps the fastest. `decoding` gives the temperature, top-p
    /// and top-k; every sample decodes exactly `newTokens` tokens.
    public static func run(config: MistralConfig = .reference, n: Int, promptTokens: Int = 64, newTokens: Int = 128,
                           decoding: SamplingSettings = defaultSettings, repeats: Int = 3) throws -> Result {
        var rng = SeededGenerator(seed: 1)
        var shape = config
        shape.eosTokenId = nil
        let model = MistralModel(config: shape, generator: &rng)
        // Bytes only, no special tokens: nothing ends a sample early; ids past 255 decode to nothing.
        let tokenizer = try BPETokenizer(vocabulary: (0..<256).map { [UInt8($0)] }, merges: [], addedTokens: [])
        let sampler = try ModelSampler(model: model, tokenizer: tokenizer)
        var settings = decoding
        settings.maxNewTokens = newTokens
        settings.stop = []
        let prompt = String(repeating: "x", count: max(1, min(promptTokens, sampler.promptBudget(maxNewTokens: newTokens))))
        var best = Double.infinity
        var tokens = 0
        for r in 0..<(repeats + 1) {
            let g = try sampler.generate(prompt: prompt, n: n, settings: settings, seed: UInt64(r))
            tokens = g.generatedTokens.reduce(0, +)
            if r > 0 { best = min(best, g.seconds) }
        }
        return Result(n: n, prompt_tokens: prompt.utf8.count, new_tokens: tokens / n, temperature: settings.temperature,
                      top_p: settings.topP, top_k: settings.topK, threads: Parallel.workers, seconds: best, tokens_per_s: Double(tokens) / best,
                      samples_per_s: Double(n) / best)
    }
}
