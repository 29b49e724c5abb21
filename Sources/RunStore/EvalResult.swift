import Foundation

/// The pass@k values of one eval suite run at the end of one stage.
public struct EvalResult: Equatable, Sendable {
    public var suite: String
    public var stage: String
    /// `pass@1`, `pass@10`, ... → fraction of problems, 0...1.
    public var passAtK: [String: Double]
    /// `pass@K` → its 95% interval over problems: the summary's own, else one computed from its
    /// per-problem values (seed 0); absent when the summary has neither.
    public var intervals: [String: ProblemInterval]
    /// `pass@K` → task id → that problem's pass@k, from the summary's `per_problem`; what paired
    /// comparisons match problems on. Empty when the summary has no per-problem values.
    public var perProblem: [String: [String: Double]]

    public init(suite: String, stage: String, passAtK: [String: Double], intervals: [String: ProblemInterval] = [:],
                perProblem: [String: [String: Double]] = [:]) {
        self.suite = suite
        self.stage = stage
        self.passAtK = passAtK
        self.intervals = intervals
        self.perProblem = perProblem
    }

    /// The per-problem part of a codetune `summary.json` (typed; other fields are ignored).
    struct SummaryProblems: Decodable {
        struct Row: Decodable {
            var task_id: String
            var pass_at_k: [String: Double]
        }
        var per_problem: [Row]?
    }

    /// The intervals of a codetune `summary.json`, decoded apart so a malformed one loses only itself.
    struct SummaryIntervals: Decodable {
        var pass_at_k_interval: [String: ProblemInterval]?
    }

    /// Reads the pass@k values of `data` and, when it is a codetune summary, its per-problem values and
    /// intervals. Nil when no pass@k can be read.
    public static func read(summary data: Data, suite: String, stage: String) -> EvalResult? {
        guard let passAtK = passAtK(fromSummary: data), !passAtK.isEmpty else { return nil }
        var result = EvalResult(suite: suite, stage: stage, passAtK: passAtK)
        let decoder = JSONDecoder()
        for row in (try? decoder.decode(SummaryProblems.self, from: data))?.per_problem ?? [] {
            for (k, v) in row.pass_at_k { result.perProblem[k, default: [:]][row.task_id] = v }
        }
        for (k, interval) in (try? decoder.decode(SummaryIntervals.self, from: data))?.pass_at_k_interval ?? [:] where passAtK[k] != nil {
            result.intervals[k] = interval
        }
        for (k, values) in result.perProblem where result.intervals[k] == nil && passAtK[k] != nil {
            let ordered = values.keys.sorted().map { values[$0]! }
            result.intervals[k] = ProblemStatistics.interval(of: ordered, seed: 0)
        }
        return result
    }

    /// The pass@k values of an evaluator `summary.json`: an object under `pass_at_k` (or `pass@k`)
    /// mapping `pass@K` (or `K`) to a number or to `{"value": number}`, or `pass@K` keys at the top.
    public static func passAtK(fromSummary data: Data) -> [String: Double]? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var out: [String: Double] = [:]
        func number(_ v: Any) -> Double? {
            if let d = v as? Double { return d }
            if let n = v as? NSNumber { return n.doubleValue }
            if let o = v as? [String: Any] { return (o["value"] ?? o["estimate"]).flatMap(number) }
            return nil
        }
        for key in ["pass_at_k", "pass@k", "passAtK"] {
            guard let inner = object[key] as? [String: Any] else { continue }
            for (k, v) in inner {
                let name = k.hasPrefix("pass@") ? k : "pass@\(k)"
                if let d = number(v) { out[name] = d }
            }
        }
        for (k, v) in object where k.hasPrefix("pass@") && Int(k.dropFirst(5)) != nil {
            if let d = number(v) { out[k] = d }
        }
        return out
    }

    /// Sort key that puts pass@1 before pass@10.
    public static func kValue(_ name: String) -> Int { Int(name.dropFirst(5)) ?? Int.max }
}
