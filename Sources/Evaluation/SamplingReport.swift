import Foundation
import Problems

/// How the samples of a `--model` run were made, and how fast: the `sampling` object of `summary.json`.
public struct SamplingReport: Codable, Equatable, Sendable {
    /// The checkpoint directory sampled.
    public var checkpoint: String
    public var n: Int
    /// The run seed; task t, sample j draws from `sampleSeed(taskSeed(seed, taskID: t), index: j)`.
    public var seed: UInt64
    public var temperature: Double
    public var top_p: Double
    public var top_k: Int
    public var max_new_tokens: Int
    public var stop: [String]
    public var samples: Int
    /// Prompt tokens fed (after truncation), summed over problems (each prompt is prefilled once).
    public var prompt_tokens: Int
    /// Tokens sampled, summed over samples.
    public var generated_tokens: Int
    /// Problems whose prompt lost tokens from its left to fit the context.
    public var truncated_prompts: Int
    /// Samples by `FinishReason` (stop, end_of_text, length, context).
    public var finish_reasons: [String: Int]
    /// Seconds spent in the model (prefill + decoding), excluding scoring.
    public var sampling_s: Double
    public var samples_per_s: Double
    /// Generated tokens per second of sampling.
    public var tokens_per_s: Double

    /// Sums the generations of a run.
    public static func make(checkpoint: URL, n: Int, seed: UInt64, settings: SamplingSettings,
                            generations: [Generation]) -> SamplingReport {
        let seconds = generations.reduce(0) { $0 + $1.seconds }
        let tokens = generations.reduce(0) { $0 + $1.generatedTokens.reduce(0, +) }
        let samples = generations.reduce(0) { $0 + $1.completions.count }
        var reasons: [String: Int] = [:]
        for g in generations { for r in g.finishReasons { reasons[r.rawValue, default: 0] += 1 } }
        func round(_ x: Double, _ places: Double) -> Double { (x * places).rounded() / places }
        return SamplingReport(checkpoint: checkpoint.path, n: n, seed: seed, temperature: settings.temperature,
                              top_p: settings.topP, top_k: settings.topK, max_new_tokens: settings.maxNewTokens,
                              stop: settings.stop, samples: samples,
                              prompt_tokens: generations.reduce(0) { $0 + $1.promptTokens },
                              generated_tokens: tokens,
                              truncated_prompts: generations.filter { $0.droppedPromptTokens > 0 }.count,
                              finish_reasons: reasons, sampling_s: round(seconds, 1000),
                              samples_per_s: round(seconds > 0 ? Double(samples) / seconds : 0, 100),
                              tokens_per_s: round(seconds > 0 ? Double(tokens) / seconds : 0, 10))
    }
}
