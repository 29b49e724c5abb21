import Evaluation
import FileFormats
import Foundation

/// Scores a stage's final checkpoint on an eval suite: draws `n` completions per problem from
/// `makeSource(checkpoint)` with the suite's sampling settings, then runs them in the sandbox
/// and writes the evaluator's reports (`samples.jsonl`, `results.jsonl`, `summary.json`, ...)
/// into `evals/<suite>/<stage>/` of the run, where `runs list / compare` read pass@k.
///
/// `makeSource` is where the model-backed sampler plugs in (a `CompletionSource` over the
/// checkpoint's weights and tokenizer); until it exists, `codetune train` skips evals with a note.
public struct StageEvaluator {
    public var makeSource: (URL) throws -> CompletionSource
    public var sandbox: SandboxMode
    public var workers: Int

    public init(sandbox: SandboxMode = .bwrap, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                makeSource: @escaping (URL) throws -> CompletionSource) {
        self.makeSource = makeSource
        self.sandbox = sandbox
        self.workers = workers
    }

    /// Samples and scores; returns the summary (also written to `output/summary.json`).
    @discardableResult
    public func evaluate(_ eval: EvalConfig, stage: String, checkpoint: URL, output: URL) throws -> EvalSummary {
        var suite = try EvalSuite.load(eval.suite)
        if let n = eval.n { suite.n = n }
        var run = EvalRun(suite: suite, origin: .canonicalSolutions)
        var problems = try ProblemFile.load(URL(fileURLWithPath: try run.problemsPath()))
        if let limit = eval.limit { problems = Array(problems.prefix(limit)) }
        let source = try makeSource(checkpoint)
        var samples: [Sample] = []
        for (i, problem) in problems.enumerated() {
            let completions = try source.completions(for: problem.prompt, n: suite.n, settings: suite.sampling, seed: suite.seed &+ UInt64(i))
            samples += completions.map { Sample(task_id: problem.task_id, completion: $0) }
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let drawn = output.appendingPathComponent(".drawn-samples.jsonl")
        try AtomicFile.write(samples.map { try JSONLines.encodeLine($0) }.joined(separator: "\n") + "\n", to: drawn)
        defer { try? FileManager.default.removeItem(at: drawn) }
        run.origin = .file(drawn)
        run.sandboxMode = sandbox
        run.workers = workers
        run.ignoreIncomplete = eval.limit != nil
        run.outputDirectory = output
        return try run.run().summary
    }
}
