import FileFormats
import Foundation
import Problems
import Sandbox

/// `junit.xml` and `summary.md` renderings of an `EvalSummary`.
public enum EvalReportFormats {
    /// One `<testcase>` per problem; a problem with no passing sample is a `<failure>` carrying the first
    /// failing sample's status and detail. Missed thresholds add a `thresholds` test case that fails.
    public static func junit(_ s: EvalSummary) -> String {
        let failing = s.per_problem.filter { $0.passed == 0 }.count + (s.missed.isEmpty ? 0 : 1)
        let tests = s.per_problem.count + (s.thresholds.isEmpty ? 0 : 1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out += "  <testsuite name=\"\(XMLText.escaped(s.suite))\" tests=\"\(tests)\" failures=\"\(failing)\" errors=\"0\" time=\"\(s.throughput.wall_s)\">\n"
        let props = properties(s)
        if !props.isEmpty {
            out += "    <properties>\n"
            for (name, value) in props {
                out += "      <property name=\"\(XMLText.escaped(name))\" value=\"\(XMLText.escaped(value))\"/>\n"
            }
            out += "    </properties>\n"
        }
        for row in s.per_problem {
            out += "    <testcase classname=\"\(XMLText.escaped(s.suite))\" name=\"\(XMLText.escaped(row.task_id))\">"
            if row.passed == 0 {
                let detail = row.first_failure ?? "no sample passed"
                out += "\n      <failure message=\"\(XMLText.escaped(detail))\" type=\"\(XMLText.escaped(String(detail.prefix(while: { $0 != ":" }))))\">"
                out += XMLText.escaped("0/\(row.n) samples passed; first: \(detail)") + "</failure>\n    "
            } else {
                out += "<system-out>\(row.passed)/\(row.n) samples passed</system-out>"
            }
            out += "</testcase>\n"
        }
        if !s.thresholds.isEmpty {
            out += "    <testcase classname=\"\(XMLText.escaped(s.suite))\" name=\"thresholds\">"
            if !s.missed.isEmpty {
                let text = s.missed.map { k in
                    let check = s.threshold_checks?.first { $0.metric == k }
                    let on = check.map { $0.on == .estimate ? "" : " \(boundName($0.on))" } ?? ""
                    let value = check.map { $0.value } ?? s.pass_at_k[k]
                    return "\(k)\(on) \(value.map { format($0) } ?? "not computed") < \(format(s.thresholds[k] ?? 0))"
                }.joined(separator: "; ")
                out += "\n      <failure message=\"\(XMLText.escaped(text))\" type=\"threshold\">\(XMLText.escaped(text))</failure>\n    "
            }
            out += "</testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// A short Markdown report: verdict, pass@k against thresholds, statuses, per-problem table.
    public static func markdown(_ s: EvalSummary) -> String {
        var out = "# \(s.suite): \(s.verdict == .pass ? "PASS" : "FAIL")\n\n"
        out += "\(s.samples) samples over \(s.problems) problems, sandbox `\(s.sandbox.rawValue)`, "
        out += "\(s.throughput.workers) workers, \(s.throughput.samples_per_s) samples/s.\n\n"
        if let g = s.sampling {
            out += "Sampled from `\(g.checkpoint)`: n \(g.n), temperature \(g.temperature), top-p \(g.top_p), "
            out += "top-k \(g.top_k), max \(g.max_new_tokens) new tokens, seed \(g.seed); "
            out += "\(g.generated_tokens) tokens in \(g.sampling_s) s (\(g.tokens_per_s) tokens/s, \(g.samples_per_s) samples/s)"
            out += g.truncated_prompts > 0 ? "; \(g.truncated_prompts) prompts left-truncated to fit the context.\n\n" : ".\n\n"
        }
        if s.reused == true, let key = s.cache_key {
            out += "Reused the samples and results of an earlier run (cache key `\(key.digest.prefix(12))`); nothing was sampled or sandboxed.\n\n"
        }
        out += "| metric | value | 95% interval | problems | threshold | decided by | |\n|---|---|---|---|---|---|---|\n"
        let names = Set(s.pass_at_k.keys).union(s.thresholds.keys).sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
        for name in names {
            let value = s.pass_at_k[name].map { format($0) } ?? "n/a"
            let interval = s.pass_at_k_interval?[name]
            let range = interval.map { "\(format($0.lower)) – \(format($0.upper))" } ?? ""
            let problems = interval.map { "\($0.problems)" } ?? ""
            let threshold = s.thresholds[name].map { "≥ " + format($0) } ?? ""
            let check = s.threshold_checks?.first { $0.metric == name }
            let decided = check.map { c in "\(boundName(c.on)) \(c.value.map { format($0) } ?? "n/a")" } ?? ""
            let mark = s.thresholds[name] == nil ? "" : (s.missed.contains(name) ? "missed" : "met")
            out += "| \(name) | \(value) | \(range) | \(problems) | \(threshold) | \(decided) | \(mark) |\n"
        }
        if let i = s.pass_at_k_interval?.values.first {
            out += "\nIntervals: \(Int(i.level * 100))% percentile bootstrap over the \(i.problems) problems "
            out += "(\(i.resamples) resamples, seed \(i.seed)).\n"
        }
        out += "\n| status | samples |\n|---|---|\n"
        for status in SampleStatus.allCases { out += "| \(status.rawValue) | \(s.statuses[status.rawValue] ?? 0) |\n" }
        let ks = s.reportedK
        out += "\n| task | passed/n |" + ks.map { " pass@\($0) |" }.joined() + " first failure |\n"
        out += "|---|---|" + ks.map { _ in "---|" }.joined() + "---|\n"
        for row in s.per_problem {
            out += "| \(md(row.task_id)) | \(row.passed)/\(row.n) |"
            out += ks.map { " \(format(row.pass_at_k["pass@\($0)"] ?? 0)) |" }.joined()
            out += " \(md(row.first_failure ?? "")) |\n"
        }
        return out
    }

    /// JUnit `<property>`s: each pass@k with its interval and problem count, each threshold with its bound.
    static func properties(_ s: EvalSummary) -> [(String, String)] {
        var out: [(String, String)] = []
        for k in s.reportedK {
            let name = "pass@\(k)"
            out.append((name, format(s.pass_at_k[name] ?? 0)))
            if let i = s.pass_at_k_interval?[name] {
                out += [("\(name).lower", format(i.lower)), ("\(name).upper", format(i.upper)),
                        ("\(name).problems", "\(i.problems)"), ("\(name).interval", "\(Int(i.level * 100))% \(i.method), \(i.resamples) resamples, seed \(i.seed)")]
            }
        }
        for c in s.threshold_checks ?? [] {
            out += [("\(c.metric).threshold", format(c.min)), ("\(c.metric).threshold_on", c.on.rawValue),
                    ("\(c.metric).threshold_met", c.met ? "true" : "false")]
        }
        return out
    }

    /// `estimate`, `lower bound`, `upper bound`.
    public static func boundName(_ b: EvalSuite.ThresholdBound) -> String {
        switch b {
        case .estimate: return "estimate"
        case .lower_bound: return "lower bound"
        case .upper_bound: return "upper bound"
        }
    }

    static func format(_ v: Double) -> String { String(format: "%.4f", v) }

    static func md(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
