import ArgumentParser
import Problems

/// How each next token is drawn: `--temperature --top-p --top-k`, for `eval`, `sample` and `bench sampling`.
/// A flag left out keeps the command's default (with `eval`, the suite's).
struct DecodingOptions: ParsableArguments {
    @Option(help: "Sampling temperature, 0 = greedy (default: the suite's with eval, 0.2 with sample, 0.8 with bench sampling).")
    var temperature: Double?

    @Option(help: "Nucleus mass in (0, 1]; 1 disables it (default: the suite's with eval, otherwise 0.95).")
    var topP: Double?

    @Option(help: "Keep the K most likely tokens; 0 disables it (default: the suite's with eval, otherwise 0).")
    var topK: Int?

    /// True when any of the flags was given.
    var isGiven: Bool { temperature != nil || topP != nil || topK != nil }

    func validate() throws {
        if let temperature, !(temperature >= 0 && temperature.isFinite) { throw ValidationError("--temperature must be ≥ 0") }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if let topK, topK < 0 { throw ValidationError("--top-k must be ≥ 0") }
    }

    /// `settings` with the given flags applied.
    func applied(to settings: SamplingSettings) -> SamplingSettings {
        var s = settings
        if let temperature { s.temperature = temperature }
        if let topP { s.topP = topP }
        if let topK { s.topK = topK }
        return s
    }
}

/// What `eval --model` and `sample` draw: the decoding flags, `--max-new-tokens`, `--seed` and `-n`.
/// Flags left out keep the suite's values (`eval`) or `SamplingSettings`' defaults, seed 0 and one
/// completion (`sample`).
struct SamplingOptions: ParsableArguments {
    @OptionGroup var decoding: DecodingOptions

    @Option(help: "Most new tokens per completion (default: the suite's max_new_tokens with eval, 256 with sample).")
    var maxNewTokens: Int?

    /// `sample`'s spelling before `--max-new-tokens` (in the original command-line contract), kept for older scripts; not shown in help.
    @Option(name: .customLong("max-tokens"), help: .private)
    var maxTokens: Int?

    @Option(help: "Seed; sample J uses a generator seeded from (seed, J) (default: the suite's with eval, 0 with sample).")
    var seed: UInt64?

    @Option(name: .short, parsing: .unconditional, help: "Completions per prompt (default: the suite's n with eval, 1 with sample).")
    var n: Int?

    /// `--max-new-tokens` under either spelling.
    var newTokenLimit: Int? { maxNewTokens ?? maxTokens }

    func validate() throws {
        try rejectBothSpellings(maxNewTokens, maxTokens, "--max-new-tokens", "--max-tokens")
        if let n, n < 1 { throw ValidationError("-n must be at least 1") }
        if let newTokenLimit, newTokenLimit < 1 { throw ValidationError("--max-new-tokens must be at least 1") }
    }

    /// True when a flag that only matters for generating was given (all but `-n`).
    var changesGeneration: Bool { decoding.isGiven || newTokenLimit != nil || seed != nil }

    /// `settings` with the given flags applied.
    func applied(to settings: SamplingSettings) -> SamplingSettings {
        var s = decoding.applied(to: settings)
        if let newTokenLimit { s.maxNewTokens = newTokenLimit }
        return s
    }
}

/// A usage error when a flag is given under both its name and its hidden older spelling.
func rejectBothSpellings<Value>(_ value: Value?, _ alias: Value?, _ name: String, _ oldName: String) throws {
    if value != nil && alias != nil { throw ValidationError("give \(name) or \(oldName), not both") }
}
