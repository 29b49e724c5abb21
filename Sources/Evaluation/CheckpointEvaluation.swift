import FileFormats
import Foundation
import Problems
import RunStore
import Sandbox

/// One suite scored on one checkpoint: the summary and the directory holding its reports.
public struct CheckpointEvaluation: Sendable {
    public var summary: EvalSummary
    public var directory: URL
}

extension CheckpointLocation {
    /// Where suite `suite`'s reports for this checkpoint go unless told otherwise: `RUN/evals/<suite.name>/<label>/`,
    /// named like the `suite` of its `summary.json` (the suite's `name:`, by default the suite file's base
    /// name); nil when the checkpoint is not in a run. The one rule for every writer of a run's evals.
    public func evalDirectory(for suite: EvalSuite) -> URL? {
        evalDirectory(suite: suite.name)
    }
}

/// Runs eval suite `suite` on a checkpoint and writes every report into `out` (`samples.jsonl`,
/// `results.jsonl`, `junit.xml`, `summary.md`, `summary.json` last) — what training calls at the end of
/// a stage, where `out` defaults to `RUN/evals/<suite>/<stage>/` (`CheckpointLocation.evalDirectory(for:)`).
///
/// - Parameters:
///   - out: the reports' directory (default: the checkpoint's run's, which a checkpoint outside a run lacks).
///   - n: samples per problem (default: the suite's `n`).
///   - limit: only the first `limit` problems (default: all).
///   - seed: the run seed (default: the suite's `seed`).
///   - workers: sandboxed scoring workers (default: the number of cores).
///   - sandbox: `.bwrap` (default) or `.rlimits`; never unsandboxed.
///   - cache: reuse `out`'s samples and results when its `summary.json` has this run's cache key (default);
///     false scores afresh. A resumed run re-evaluating an unchanged checkpoint reuses its earlier eval.
/// - Returns: the summary (its `verdict` says whether the thresholds were met; a miss is not an error) and `out`.
/// - Throws: `InputError(s)` for a bad suite, problems file or checkpoint, or no `out` outside a run;
///   `SandboxError` when the sandbox cannot run here.
@discardableResult
public func evaluateCheckpoint(suite: URL, checkpoint: CheckpointLocation, out: URL? = nil, n: Int? = nil, limit: Int? = nil,
                               seed: UInt64? = nil, workers: Int? = nil, sandbox: SandboxMode = .bwrap, cache: Bool = true) throws -> CheckpointEvaluation {
    var loaded = try EvalSuite.load(suite)
    if let n { loaded.n = n }
    if let seed { loaded.seed = seed }
    guard let directory = out ?? checkpoint.evalDirectory(for: loaded) else {
        throw InputError(file: checkpoint.directory.path, "is not in a run: give a directory for the reports")
    }
    var run = EvalRun(suite: loaded, origin: .model(checkpoint: checkpoint.directory))
    run.problemLimit = limit
    run.sandboxMode = sandbox
    run.useCache = cache
    if let workers { run.workers = workers }
    run.outputDirectory = directory
    return CheckpointEvaluation(summary: try run.run().summary, directory: directory)
}
