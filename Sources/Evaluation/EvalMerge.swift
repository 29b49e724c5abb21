import FileFormats
import Foundation
import Problems

/// `codetune eval merge OUT SHARD_DIR…`: joins the output directories of the shards of one eval
/// (`eval --shard I/N`, I = 0…N−1) into the `samples.jsonl`, `results.jsonl`, `summary.json`, `junit.xml`
/// and `summary.md` one unsharded run writes.
///
/// The shards must be one run cut N ways: the same suite file, problems file, sandbox, sampling report
/// settings and cache-key inputs, every index 0…N−1 exactly once, and each shard's results only for its
/// own problems. Samples and results are put in the problems file's order (a task's samples by
/// `completion_id`), which is an unsharded run's order with `--model` and `--canonical` and with any
/// samples file grouped by problem in that order. The summary is recomputed from the joined results with
/// the suite file's thresholds and `k` and the shards' seed; the cache key is the whole suite's, so a
/// later unsharded run into OUT reuses it. Timing joins as the shards ran side by side: `wall_s` is the
/// slowest shard's, `workers` the sum; sampling seconds and token counts are sums.
public enum EvalMerge {
    /// One shard's directory, read.
    struct Shard {
        var directory: URL
        var summary: EvalSummary
        var shard: EvalShard
        var samples: [Sample]
        var results: [SampleResult]
    }

    /// Reads `shardDirectories`, checks they are the N shards of one run, writes the merged reports to
    /// `out` (created if needed) and returns the merged summary. Throws `InputError` naming the directory
    /// and the problem when they are not.
    @discardableResult
    public static func merge(shardDirectories: [URL], into out: URL) throws -> EvalSummary {
        let shards = try shardDirectories.map(read)
        guard let first = shards.first else { throw InputError("eval merge: no shard directories given") }
        let count = first.shard.count
        for s in shards {
            func differ(_ what: String) -> InputError {
                InputError(file: s.directory.appendingPathComponent("summary.json").path, key: what,
                           "differs from \(first.directory.path)'s: not a shard of the same eval")
            }
            if s.shard.count != count { throw differ("shard") }
            if s.summary.suite_file != first.summary.suite_file { throw differ("suite_file") }
            if s.summary.problems_file != first.summary.problems_file { throw differ("problems_file") }
            if s.summary.sandbox != first.summary.sandbox { throw differ("sandbox") }
            if s.summary.cache_key?.withoutShard() != first.summary.cache_key?.withoutShard() { throw differ("cache_key") }
            if s.summary.sampling.map(settingsOnly) != first.summary.sampling.map(settingsOnly) { throw differ("sampling") }
        }
        let indices = shards.map(\.shard.index)
        let missing = (0..<count).filter { !indices.contains($0) }
        if !missing.isEmpty || indices.count != count {
            let repeated = Set(indices.filter { i in indices.filter { $0 == i }.count > 1 })
            var problem = "need each shard 0…\(count - 1) of \(count) exactly once"
            if !missing.isEmpty { problem += "; missing \(missing.map { "\($0)/\(count)" }.joined(separator: ", "))" }
            if !repeated.isEmpty { problem += "; repeated \(repeated.sorted().map { "\($0)/\(count)" }.joined(separator: ", "))" }
            throw InputError("eval merge: \(problem)")
        }

        var suite = try EvalSuite.load(URL(fileURLWithPath: first.summary.suite_file))
        if let seed = shards.lazy.compactMap(runSeed).first { suite.seed = seed }
        let problemsFile = first.summary.problems_file
        let problems = try ProblemFile.load(URL(fileURLWithPath: problemsFile))
        let order = Dictionary(uniqueKeysWithValues: problems.enumerated().map { ($0.element.task_id, $0.offset) })
        var pairs: [(sample: Sample, result: SampleResult)] = []
        for s in shards {
            let file = s.directory.appendingPathComponent("results.jsonl").path
            for (sample, result) in zip(s.samples, s.results) {
                guard order[result.task_id] != nil, sample.task_id == result.task_id else {
                    throw InputError(file: file, key: result.task_id, "is not a problem of \(problemsFile) or does not match samples.jsonl")
                }
                guard s.shard.contains(taskID: result.task_id) else {
                    throw InputError(file: file, key: result.task_id, "belongs to shard \(EvalShard.shard(of: result.task_id, count: count))/\(count), not \(s.shard)")
                }
                pairs.append((sample, result))
            }
        }
        pairs.sort { a, b in
            let (x, y) = (order[a.result.task_id]!, order[b.result.task_id]!)
            return x != y ? x < y : a.result.completion_id < b.result.completion_id
        }
        let results = pairs.map(\.result)
        let wall = shards.map(\.summary.throughput.wall_s).max() ?? 0
        var summary = EvalSummary.make(suite: suite, problemsFile: problemsFile, problems: problems, results: results,
                                       sandbox: first.summary.sandbox, wallSeconds: wall,
                                       workers: shards.reduce(0) { $0 + $1.summary.throughput.workers })
        summary.sampling = mergedSampling(shards.compactMap(\.summary.sampling))
        if let key = first.summary.cache_key?.withoutShard() {
            summary.cache_key = key
            summary.reused = false
        }
        try EvalRun.write(samples: pairs.map(\.sample), results: results, summary: summary, to: out)
        return summary
    }

    static func read(_ dir: URL) throws -> Shard {
        let summaryURL = dir.appendingPathComponent("summary.json")
        guard let data = try? Data(contentsOf: summaryURL) else {
            throw InputError(file: summaryURL.path, "cannot be read: not an eval output directory")
        }
        let summary: EvalSummary
        do { summary = try JSONDecoder().decode(EvalSummary.self, from: data) } catch {
            throw InputError(file: summaryURL.path, "is not an eval summary: \(error.localizedDescription)")
        }
        guard let text = summary.shard, let shard = EvalShard(parsing: text) else {
            throw InputError(file: summaryURL.path, key: "shard", "missing: not the output of `eval --shard I/N`")
        }
        let samplesURL = dir.appendingPathComponent("samples.jsonl"), resultsURL = dir.appendingPathComponent("results.jsonl")
        func contents(_ url: URL) throws -> Data {   // plain JSON lines as `EvalRun` writes them; empty for an empty shard
            do { return try Data(contentsOf: url) } catch { throw InputError(file: url.path, "cannot be read: \(error.localizedDescription)") }
        }
        let samples = try JSONLines.decode(Sample.self, data: try contents(samplesURL), file: samplesURL.path)
        let results = try JSONLines.decode(SampleResult.self, data: try contents(resultsURL), file: resultsURL.path)
        guard samples.count == results.count, results.count == summary.samples else {
            throw InputError(file: resultsURL.path, "holds \(results.count) results for \(samples.count) samples; summary.json says \(summary.samples)")
        }
        return Shard(directory: dir, summary: summary, shard: shard, samples: samples, results: results)
    }

    /// The seed the shards' summaries were computed with: the sampling seed, else an interval's.
    static func runSeed(_ s: Shard) -> UInt64? {
        s.summary.sampling?.seed ?? s.summary.pass_at_k_interval?.values.first?.seed
    }

    /// A sampling report with its counts and times cleared: what must agree between shards.
    static func settingsOnly(_ r: SamplingReport) -> SamplingReport {
        var r = r
        (r.samples, r.prompt_tokens, r.generated_tokens, r.truncated_prompts) = (0, 0, 0, 0)
        (r.finish_reasons, r.sampling_s, r.samples_per_s, r.tokens_per_s) = ([:], 0, 0, 0)
        return r
    }

    /// Counts and seconds summed, rates recomputed from the sums; nil when no shard sampled.
    static func mergedSampling(_ reports: [SamplingReport]) -> SamplingReport? {
        guard var merged = reports.first.map(settingsOnly) else { return nil }
        for r in reports {
            merged.samples += r.samples
            merged.prompt_tokens += r.prompt_tokens
            merged.generated_tokens += r.generated_tokens
            merged.truncated_prompts += r.truncated_prompts
            merged.finish_reasons.merge(r.finish_reasons, uniquingKeysWith: +)
            merged.sampling_s += r.sampling_s
        }
        func round(_ x: Double, _ places: Double) -> Double { (x * places).rounded() / places }
        let s = merged.sampling_s
        merged.sampling_s = round(s, 1000)
        merged.samples_per_s = round(s > 0 ? Double(merged.samples) / s : 0, 100)
        merged.tokens_per_s = round(s > 0 ? Double(merged.generated_tokens) / s : 0, 10)
        return merged
    }
}
