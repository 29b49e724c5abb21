/// How completions are drawn from a model.
public struct SamplingSettings: Codable, Equatable, Sendable {
    /// 0 means greedy.
    public var temperature: Double = 0.2
    /// Nucleus sampling mass in (0, 1]; 1 disables it.
    public var topP: Double = 0.95
    /// Keep only the k most likely tokens; 0 disables it.
    public var topK: Int = 0
    public var maxNewTokens: Int = 256
    /// A completion is cut at the first of these (see `truncateAtStop`).
    public var stop: [String] = humanEvalStopSequences

    public init() {}
}

/// Where completions come from. `codetune eval --model` will use the model's KV-cache sampler through
/// this; `--samples` does not need it.
public protocol CompletionSource {
    /// `n` completions of `prompt`, each already cut at the first stop sequence.
    /// The same `seed` gives the same completions.
    func completions(for prompt: String, n: Int, settings: SamplingSettings, seed: UInt64) throws -> [String]
}
