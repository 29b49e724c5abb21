import Evaluation
import Foundation

/// What the training loop reports, as it happens. The loop hands each value to a callback
/// (as mlx-swift-lm's `LoRATrain` does) and stops cleanly when the callback says so; printing,
/// logging to `metrics.jsonl` and signal handling all live in the callback's owner.
/// `TrainingSession` adds the evals it runs after a stage (`evalStarted`, `evaluated`).
public enum TrainingProgress {
    /// A stage begins (or resumes at `fromStep` > 0).
    case stageStarted(StageStart)
    /// Mean training loss over the steps since the previous report.
    case trained(StepReport)
    /// Validation loss on the stage's held-out batches.
    case validated(ValidationReport)
    /// A checkpoint was published.
    case checkpointed(CheckpointReport)
    /// The stage's `best: pass@K@SUITE` was measured on a checkpoint (by the periodic eval just reported).
    case bestMeasured(BestReport)
    /// The loss or a gradient was NaN or infinite at `step`; `skipped` when the update was dropped.
    case nonFinite(NonFiniteReport)
    /// A stage ended: all its steps, or early stopping.
    case stageFinished(StageEnd)
    /// An eval suite starts on a finished stage's checkpoint.
    case evalStarted(EvalStart)
    /// An eval suite was scored, or could not run.
    case evaluated(EvalReport)

    public struct StageStart: Sendable {
        public var stage: String
        public var index: Int
        public var stageCount: Int
        public var totalSteps: Int
        /// Steps already done (non-zero after a resume).
        public var fromStep: Int
        public var tokensPerStep: Int
    }

    public struct StepReport: Sendable {
        public var stage: String
        /// Run-wide optimizer steps.
        public var step: Int
        public var stageStep: Int
        public var totalSteps: Int
        public var loss: Double
        public var lr: Double
        public var gradNorm: Double
        /// Run-wide tokens consumed.
        public var tokens: Int
        public var tokensPerSecond: Double
        public var mfu: Double?
        /// Training seconds since the run began.
        public var elapsed: Double
    }

    public struct ValidationReport: Sendable {
        public var stage: String
        public var step: Int
        public var stageStep: Int
        public var loss: Double
        public var tokens: Int
        public var elapsed: Double
        /// Whether this is the stage's best so far.
        public var improved: Bool
    }

    public struct BestReport: Sendable {
        public var stage: String
        public var step: Int
        public var stageStep: Int
        public var metric: BestMetric
        public var value: Double
        /// Whether it beat the stage's best so far (by more than `min_delta`): `best-<stage>` now holds it.
        public var improved: Bool
    }

    public struct CheckpointReport: Sendable {
        public var stage: String
        public var step: Int
        public var directory: URL
    }

    public struct NonFiniteReport: Sendable {
        public var stage: String
        public var step: Int
        public var stageStep: Int
        /// The first tensor found non-finite: `loss`, or a parameter's gradient by Hugging Face name.
        public var tensor: String
        public var skipped: Bool
    }

    public struct StageEnd: Sendable {
        public var stage: String
        public var steps: Int
        public var earlyStopped: Bool
    }

    public struct EvalStart: Sendable {
        /// The suite file.
        public var suite: URL
        public var stage: String
    }

    public struct EvalReport: Sendable {
        public enum Outcome: Sendable {
            case scored(CheckpointEvaluation)
            /// The eval could not run (a bad suite, no sandbox): the error, one line.
            case couldNotRun(String)
        }

        /// The suite file.
        public var suite: URL
        public var stage: String
        /// The eval's `gate:` in the config.
        public var gate: Bool
        /// Whether a missed threshold fails the run (`RunConfig.gates(_:after:)`).
        public var gated: Bool
        public var outcome: Outcome

        /// The thresholds' verdict; nil when the eval could not run.
        public var verdict: EvalVerdict? {
            if case .scored(let e) = outcome { return e.summary.verdict }
            return nil
        }

        /// Whether this eval fails the run: it gates and missed a threshold.
        public var failsGate: Bool { gated && verdict == .fail }
    }
}

/// The callback's answer: keep going, or finish the current step, checkpoint and return.
public enum ProgressDisposition: Sendable {
    case more
    case stop
}

/// How a call to `Trainer.run` ended.
public enum TrainingOutcome: Equatable, Sendable {
    case completed
    /// The callback asked to stop; a checkpoint of the last step was written.
    case interrupted(step: Int)
    /// A non-finite loss or gradient with `on_nan: fail`.
    case failed(message: String)
}
