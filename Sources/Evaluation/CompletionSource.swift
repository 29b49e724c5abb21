import Problems

/// Where completions come from. `codetune eval --model` will use the model's KV-cache sampler through
/// this; `--samples` does not need it.
public protocol CompletionSource {
    /// `n` completions of `prompt`, each already cut at the first stop sequence.
    /// The same `seed` gives the same completions.
    func completions(for prompt: String, n: Int, settings: SamplingSettings, seed: UInt64) throws -> [String]
}
