import FileFormats
import Foundation

/// `--fail-if-worse METRIC[:TOLERANCE]`: fails when a later run is worse than the first by more
/// than the tolerance, in the metric's own direction (loss lower is better, pass@k higher).
///
/// METRIC is a row key of `RunComparison` (`val_loss`, `pretrain.val_loss`, `basic-python.pass@1`),
/// `pass@K@SUITE` (the same as `SUITE.pass@K`), or a bare metric name that selects every whole-run row
/// with that name (`pass@1`: every suite). TOLERANCE is absolute (`0.02`) or relative to the first run
/// (`5%`); default 0.
///
/// A pass@k row whose runs both carry per-problem values is judged paired, problem by problem on the
/// problems both scored: worse only when the mean paired drop exceeds the tolerance **and** the
/// sign-flip permutation test calls it significant (p below the comparison's `significance`). Other
/// rows (losses, summaries without per-problem values) compare the two numbers as before.
public struct RegressionGate: Equatable, Sendable {
    public var metric: String
    public var tolerance: Double
    public var relative: Bool

    public init(metric: String, tolerance: Double = 0, relative: Bool = false) {
        self.metric = metric
        self.tolerance = tolerance
        self.relative = relative
    }

    /// Parses `METRIC[:TOL]` / `METRIC[:TOL%]`.
    public init(parsing spec: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, !name.isEmpty else {
            throw InputError(key: "--fail-if-worse", "expected METRIC[:TOLERANCE], found '\(spec)'")
        }
        metric = name
        tolerance = 0
        relative = false
        if parts.count == 2 {
            var t = parts[1]
            if t.hasSuffix("%") { relative = true; t.removeLast() }
            guard let v = Double(t), v.isFinite, v >= 0 else {
                throw InputError(key: "--fail-if-worse", "tolerance must be a number >= 0 (or a percentage), found '\(parts[1])'")
            }
            tolerance = relative ? v / 100 : v
        }
    }

    /// One run checked against the first.
    public struct Finding: Equatable, Codable, Sendable {
        public var key: String
        public var run: String
        public var baseline: Double
        public var value: Double?
        public var allowed: Double
        public var worse: Bool
        /// pass@k judged paired: the difference over shared problems, its interval and p-value.
        public var paired: PairedDifference? = nil
        /// Whether `paired` is significant at `significance` (paired findings only).
        public var significant: Bool? = nil
        public var significance: Double? = nil

        public var description: String {
            guard let value else { return "\(key): run \(run) has no value (baseline \(fmt(baseline))): worse" }
            if let p = paired, let significance {
                let sign = p.difference >= 0 ? "+" : ""
                let verdict = worse ? "worse" : (-p.difference > allowed && !(significant ?? false) ? "ok (not significant)" : "ok")
                return "\(key): run \(run) \(fmt(value)) vs \(fmt(baseline)), paired over \(p.problems) problems "
                    + "\(sign)\(fmt(p.difference)) [\(fmt(p.lower)), \(fmt(p.upper))] p=\(fmt(p.p_value)) "
                    + "(tolerance \(fmt(allowed)), significance \(fmt(significance))): \(verdict)"
            }
            let delta = value - baseline
            let sign = delta >= 0 ? "+" : ""
            return "\(key): run \(run) \(fmt(value)) vs \(fmt(baseline)) (\(sign)\(fmt(delta)), tolerance \(fmt(allowed))): \(worse ? "worse" : "ok")"
        }

        func fmt(_ v: Double) -> String { String(format: "%.4g", v) }
    }

    /// Checks every later run of `comparison` against its first. Throws an `InputError` when the
    /// metric names no comparable row, or when the first run has no value for it.
    public func check(_ comparison: RunComparison) throws -> [Finding] {
        var metric = self.metric
        let parts = metric.split(separator: "@", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "pass", Int(parts[1]) != nil, !parts[2].isEmpty {
            metric = "\(parts[2]).pass@\(parts[1])"
        }
        var rows = comparison.metrics.filter { $0.key == metric }
        if rows.isEmpty { rows = comparison.metrics.filter { $0.isFinal && $0.metric == metric } }
        rows = rows.filter { $0.direction != .neutral }
        guard !rows.isEmpty else {
            let known = comparison.metrics.filter { $0.direction != .neutral }.map(\.key).joined(separator: ", ")
            let hint = closestMatch(to: metric, in: comparison.metrics.map(\.key)).map { "did you mean '\($0)'? " } ?? ""
            throw InputError(key: "--fail-if-worse", "no metric '\(metric)' to compare; \(hint)known: \(known)")
        }
        var findings: [Finding] = []
        for row in rows {
            guard let baseline = row.values[0] else {
                throw InputError(key: "--fail-if-worse", "the first run has no value for \(row.key)")
            }
            let allowed = relative ? tolerance * abs(baseline) : tolerance
            for (i, value) in row.values.enumerated().dropFirst() {
                let run = comparison.runs[i].record.id
                var worse = true
                let slack = allowed + 1e-12 * max(1, abs(baseline))  // rounding of the stored values
                if value != nil, i < row.paired.count, let paired = row.paired[i] {
                    let significant = paired.isSignificant(at: comparison.significance)
                    worse = -paired.difference > slack && significant
                    findings.append(Finding(key: row.key, run: run, baseline: baseline, value: value, allowed: allowed, worse: worse,
                                            paired: paired, significant: significant, significance: comparison.significance))
                    continue
                }
                if let value {
                    worse = row.direction == .lower ? value - baseline > slack : baseline - value > slack
                }
                findings.append(Finding(key: row.key, run: run, baseline: baseline, value: value, allowed: allowed, worse: worse))
            }
        }
        return findings
    }
}
