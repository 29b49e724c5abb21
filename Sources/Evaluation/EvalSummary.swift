import Foundation
import Problems
import RunStore
import Sandbox

/// `summary.json`: what a CI job and `runs compare` read.
public struct EvalSummary: Codable, Equatable, Sendable {
    public struct ProblemRow: Codable, Equatable, Sendable {
        public var task_id: String
        public var n: Int
        public var passed: Int
        /// pass@k for this problem, keyed "pass@K".
        public var pass_at_k: [String: Double]
        /// Status and detail of the first sample that did not pass, if any.
        public var first_failure: String?
    }
    public struct Throughput: Codable, Equatable, Sendable {
        public var samples: Int
        public var wall_s: Double
        public var samples_per_s: Double
        public var workers: Int
    }
    /// One threshold held against its bound: which number decided and whether it met the minimum.
    public struct ThresholdCheck: Codable, Equatable, Sendable {
        /// `pass@K`.
        public var metric: String
        public var min: Double
        /// `estimate`, `lower_bound` or `upper_bound` of the 95% interval.
        public var on: EvalSuite.ThresholdBound
        /// The number compared with `min`; nil when the pass@k could not be computed.
        public var value: Double?
        public var met: Bool
        /// Why the threshold was not applied: pass@K needs at least K samples per problem, so with fewer
        /// (e.g. `--samples` with one completion per problem against `k: [1, 10]`) it is not applicable —
        /// neither met nor missed, and it does not fail the verdict. Absent when it was applied.
        public var not_applicable: String? = nil
    }
    public var suite: String
    public var suite_file: String
    public var problems_file: String
    public var sandbox: SandboxMode
    public var problems: Int
    public var samples: Int
    /// Mean pass@k over problems, keyed "pass@K"; only k with n ≥ k for every problem.
    public var pass_at_k: [String: Double]
    /// 95% interval over problems of each pass@k (percentile bootstrap, seeded with the suite's seed),
    /// with the number of problems; absent in summaries written before it existed.
    public var pass_at_k_interval: [String: ProblemInterval]? = nil
    /// Minimums from the suite, keyed "pass@K".
    public var thresholds: [String: Double]
    /// Each threshold with the bound it is held against and the number that decided; absent in older summaries.
    public var threshold_checks: [ThresholdCheck]? = nil
    /// Thresholds not met (also those whose pass@k could not be computed because nothing was scored;
    /// not those that are not applicable because a problem has fewer than k samples).
    public var missed: [String]
    /// `pass` when every threshold is met, else `fail`.
    public var verdict: EvalVerdict
    public var statuses: [String: Int]
    public var throughput: Throughput
    public var per_problem: [ProblemRow]
    /// How the samples were generated (`--model` runs only; absent when samples came from a file).
    public var sampling: SamplingReport? = nil
    /// The eval cache's key: content hashes of everything the samples and verdicts depend on (written by
    /// runs with an output directory; absent in older summaries).
    public var cache_key: EvalCacheKey? = nil
    /// True when this summary was rebuilt from an earlier run's `samples.jsonl` and `results.jsonl` with the
    /// same `cache_key` (nothing sampled or sandboxed); false for a fresh run with a key; absent otherwise.
    public var reused: Bool? = nil
    /// `I/N` when only shard I of N was scored (`eval --shard`); absent for the whole suite.
    public var shard: String? = nil

    /// Builds the summary from results in any order.
    public static func make(suite: EvalSuite, problemsFile: String, problems: [Problem], results: [SampleResult],
                            sandbox: SandboxMode, wallSeconds: Double, workers: Int) -> EvalSummary {
        var byTask: [String: [SampleResult]] = [:]
        for r in results { byTask[r.task_id, default: []].append(r) }
        let scored = problems.filter { byTask[$0.task_id] != nil }
        let counts = scored.map { p -> (task_id: String, n: Int, c: Int) in
            let rs = byTask[p.task_id]!
            return (p.task_id, rs.count, rs.filter { $0.status == .passed }.count)
        }
        let table = PassAtKTable(problems: counts, requestedK: suite.k)
        var mean: [String: Double] = [:]
        for (k, v) in table.mean { mean["pass@\(k)"] = v }
        var intervals: [String: ProblemInterval] = [:]
        for k in table.ks {
            intervals["pass@\(k)"] = ProblemStatistics.interval(of: table.perProblem.map { $0[k]! }, seed: suite.seed)
        }
        var thresholds: [String: Double] = [:]
        var checks: [ThresholdCheck] = []
        var missed: [String] = []
        for (k, minimum) in suite.thresholds.sorted(by: { $0.key < $1.key }) {
            let name = "pass@\(k)", on = suite.thresholdBound(k)
            thresholds[name] = minimum
            var value: Double?
            if let i = intervals[name] {
                switch on {
                case .estimate: value = i.estimate
                case .lower_bound: value = i.lower
                case .upper_bound: value = i.upper
                }
            }
            if value == nil, let fewest = counts.map(\.n).min(), fewest < k {
                let reason = "pass@\(k) needs at least \(k) samples per problem; the fewest here is \(fewest)"
                checks.append(ThresholdCheck(metric: name, min: minimum, on: on, value: nil, met: false, not_applicable: reason))
                continue
            }
            let met = value.map { $0 >= minimum } ?? false
            if !met { missed.append(name) }
            checks.append(ThresholdCheck(metric: name, min: minimum, on: on, value: value, met: met))
        }
        var statuses: [String: Int] = [:]
        for s in SampleStatus.allCases { statuses[s.rawValue] = 0 }
        for r in results { statuses[r.status.rawValue, default: 0] += 1 }
        let rows = counts.enumerated().map { i, c -> ProblemRow in
            var pk: [String: Double] = [:]
            for (k, v) in table.perProblem[i] { pk["pass@\(k)"] = v }
            let firstFailure = byTask[c.task_id]!.sorted { $0.completion_id < $1.completion_id }
                .first { $0.status != .passed }.map { "\($0.status.rawValue): \($0.detail)" }
            return ProblemRow(task_id: c.task_id, n: c.n, passed: c.c, pass_at_k: pk, first_failure: firstFailure)
        }
        let rate = wallSeconds > 0 ? Double(results.count) / wallSeconds : 0
        return EvalSummary(suite: suite.name, suite_file: suite.file, problems_file: problemsFile, sandbox: sandbox,
                           problems: scored.count, samples: results.count, pass_at_k: mean,
                           pass_at_k_interval: intervals.isEmpty ? nil : intervals, thresholds: thresholds,
                           threshold_checks: checks.isEmpty ? nil : checks,
                           missed: missed, verdict: missed.isEmpty ? .pass : .fail, statuses: statuses,
                           throughput: Throughput(samples: results.count, wall_s: (wallSeconds * 1000).rounded() / 1000,
                                                  samples_per_s: (rate * 10).rounded() / 10, workers: workers),
                           per_problem: rows)
    }

    /// Sorted-key, pretty JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(10)
        return data
    }

    /// The k values present, ascending.
    var reportedK: [Int] {
        pass_at_k.keys.compactMap { Int($0.dropFirst(5)) }.sorted()
    }
}
