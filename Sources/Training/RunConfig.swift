import Autograd
import Foundation
import Models

/// A training run as its YAML config describes it, with every default filled in and every path
/// resolved against the config file's directory. Built by `RunConfig.load`; written back into the
/// run directory as `config.yaml` by `resolvedYAML()`.
public struct RunConfig: Equatable, Sendable {
    public var file: URL
    public var name: String
    public var seed: UInt64
    /// Worker threads for the BLAS and parallel kernels.
    public var threads: Int
    public var model: ModelSource
    /// A `tokenizer.json`; nil means the tokenizer of the first stage's dataset.
    public var tokenizer: URL?
    public var stages: [StageConfig]
    public var evals: [EvalConfig]
    /// `precision:` — the arithmetic of the matrix products (fp32 | bf16 | auto; default auto, which is
    /// bf16 where the CPU has bf16 dot products and oneDNN loads). What ran is recorded in run.json.
    public var precision: PrecisionSetting = .auto

    /// The precision setting `stage` trains and validates with: its own `precision:`, else the run's.
    public func precision(of stage: StageConfig) -> PrecisionSetting { stage.precision ?? precision }

    /// Each stage's resolved precision, in stage order ("fp32" / "bf16"), for run.json.
    public var stagePrecisions: [String] { stages.map { precision(of: $0).resolved.rawValue } }

    /// The one-line notes of every explicit `bf16` (the run's or a stage's) that falls back to fp32 here.
    public var precisionFallbackNotes: [String] {
        var notes = [precision.fallbackNote].compactMap { $0 }
        for s in stages { if let note = s.precision?.fallbackNote, !notes.contains(note) { notes.append(note) } }
        return notes
    }

    /// Where the weights of the first stage come from.
    public enum ModelSource: Equatable, Sendable {
        /// A fresh model of this shape; `vocabSize == 0` means "the tokenizer's vocabulary size".
        case fresh(MistralConfig)
        /// A checkpoint or Hugging Face directory (`config.json` + `model.safetensors` or shards; Mistral, Llama,
        /// Qwen2), or a GGUF file; its own tokenizer becomes the run's when `tokenizer` is not given.
        case initFrom(URL)
    }
}

/// One stage of a run: what it trains on, for how long, and how.
public struct StageConfig: Equatable, Sendable {
    public enum Objective: String, CaseIterable, Sendable {
        /// Loss on every token (public code).
        case nextToken = "next_token"
        /// Loss only on the completion tokens of prompt/completion examples (telemetry).
        case completion
    }

    public enum Schedule: String, CaseIterable, Sendable { case cosine, linear, constant }

    public enum OnNonFinite: String, CaseIterable, Sendable {
        /// Stop the stage, mark the run failed, name the step and the first bad tensor.
        case fail
        /// Skip the update (gradients dropped), count it, continue.
        case skip
    }

    public var name: String
    /// A dataset recipe (`next_token`) or a telemetry events file / recipe (`completion`).
    public var data: URL
    public var objective: Objective
    /// Optimizer steps in the stage (from `steps`, or `tokens` divided by tokens per step, rounded up).
    public var steps: Int
    /// Rows per micro-batch.
    public var batchSize: Int
    /// Micro-batches whose gradients are summed per optimizer step.
    public var gradAccum: Int
    /// Tokens per row (T).
    public var context: Int
    /// Peak learning rate.
    public var lr: Double
    /// Steps of linear warm-up from lr/warmup to lr.
    public var warmup: Int
    public var schedule: Schedule
    /// Learning rate the schedule decays to at the stage's last step.
    public var minLR: Double
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    /// Clip the global gradient norm to this (0 = no clipping).
    public var clip: Double
    /// Steps between training-loss reports (each a mean over the steps since the last).
    public var logEvery: Int
    /// Steps between validation measurements (0 = only at the end of the stage).
    public var evalEvery: Int
    /// Validation batches per measurement (fixed windows, the same every time).
    public var valBatches: Int
    /// Steps between checkpoints (0 = only at the end of the stage).
    public var checkpointEvery: Int
    /// Periodic checkpoints kept (`best-<stage>`, by the stage's `best` metric, is kept besides).
    public var keepLast: Int
    /// Stop the stage after this many measurements of `best` without improvement (nil = never).
    public var earlyStoppingPatience: Int?
    /// Smallest improvement of `best` that counts (a decrease of loss, an increase of pass@k).
    public var earlyStoppingMinDelta: Double
    /// Start from the previous stage's AdamW moments instead of zeros.
    public var carryOptimizer: Bool
    public var onNonFinite: OnNonFinite
    /// Train even when this stage's data shares 13-grams with a problem of the run's eval suites
    /// (checked before any work starts; see `TrainingSession.requireUncontaminatedData`).
    public var allowContaminated: Bool = false
    /// What `best-<stage>` keeps and early stopping watches (`best:`; validation loss by default).
    public var best: BestMetric = .validationLoss
    /// Train low-rank adapters over a frozen base instead of every parameter (`RunConfig+LoRA.swift`).
    public var lora: LoRASettings? = nil
    /// `precision:` on a stage — its matrix-product arithmetic, overriding the run's `precision` for this
    /// stage only (nil: the run's). `RunConfig.precision(of:)` gives the stage's setting.
    public var precision: PrecisionSetting? = nil

    /// Tokens consumed per optimizer step (inputs): batch · accumulation · context.
    public var tokensPerStep: Int { batchSize * gradAccum * context }
}

/// An eval suite run at the end of stages.
public struct EvalConfig: Equatable, Sendable {
    public var suite: URL
    /// Samples per problem (overrides the suite's).
    public var n: Int?
    /// Only the first `limit` problems (overrides the suite's).
    public var limit: Int?
    /// Stages after which the suite runs (all stages when empty).
    public var stages: [String]
    /// Whether a missed threshold on the last stage's checkpoint fails the run (exit status 1); false
    /// records pass@k only, for a partial suite (`n` / `limit` overrides) such as a smoke run's.
    public var gate: Bool
    /// Periodic: run on the `step-N` checkpoint every `every` stage steps (not at stage ends), log pass@k to
    /// `metrics.jsonl` and never gate. Nil: at stage ends, as above.
    public var every: Int?

    public init(suite: URL, n: Int? = nil, limit: Int? = nil, stages: [String] = [], gate: Bool = true, every: Int? = nil) {
        self.suite = suite
        self.n = n
        self.limit = limit
        self.stages = stages
        self.gate = gate
        self.every = every
    }
}
