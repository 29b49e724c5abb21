import Foundation

/// One eval suite run on a stage's end checkpoint during training, as `run.json` records it
/// (`RunRecord.evals`): whether it passed and whether it gated the run.
public struct StageEval: Codable, Equatable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        /// Every threshold met.
        case pass
        /// A threshold missed.
        case fail
        /// The eval could not run (a bad suite, no sandbox); `message` says why.
        case error
    }

    /// The suite's name (its `evals/<suite>/` directory); the suite file's path when it could not be read.
    public var suite: String
    public var stage: String
    public var verdict: Verdict
    /// Whether a `fail` fails the run: the eval of the run's last stage, unless it says `gate: false`.
    public var gated: Bool
    /// The reports' directory relative to the run directory (`evals/basic-python/finetune`); nil on `error`.
    public var directory: String?
    /// Why the eval could not run (`error` only).
    public var message: String?

    public init(suite: String, stage: String, verdict: Verdict, gated: Bool, directory: String? = nil, message: String? = nil) {
        self.suite = suite
        self.stage = stage
        self.verdict = verdict
        self.gated = gated
        self.directory = directory
        self.message = message
    }
}
