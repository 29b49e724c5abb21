import Foundation
import Problems
import Sandbox

/// Runs eval suite `suite` on a checkpoint directory and writes every report into `out`
/// (`samples.jsonl`, `results.jsonl`, `junit.xml`, `summary.md`, `summary.json` last) — what the
/// training driver calls at the end of a stage, with `out` = `RUN/evals/<suite>/<stage>/`.
///
/// - Parameters:
///   - n: samples per problem (default: the suite's `n`).
///   - limit: only the first `limit` problems (default: all).
///   - seed: the run seed (default: the suite's `seed`).
///   - workers: sandboxed scoring workers (default: the number of cores).
///   - sandbox: `.bwrap` (default) or `.rlimits`; never unsandboxed.
/// - Returns: the summary (its `verdict` says whether the thresholds were met; a miss is not an error).
/// - Throws: `InputError(s)` for a bad suite, problems file or checkpoint; `SandboxError` when the sandbox
///   cannot run here.
@discardableResult
public func evaluateCheckpoint(suite: URL, checkpoint: URL, out: URL, n: Int? = nil, limit: Int? = nil,
                               seed: UInt64? = nil, workers: Int? = nil, sandbox: SandboxMode = .bwrap) throws -> EvalSummary {
    var loaded = try EvalSuite.load(suite)
    if let n { loaded.n = n }
    if let seed { loaded.seed = seed }
    var run = EvalRun(suite: loaded, origin: .model(checkpoint: checkpoint))
    run.problemLimit = limit
    run.sandboxMode = sandbox
    if let workers { run.workers = workers }
    run.outputDirectory = out
    return try run.run().summary
}
