import FileFormats
import Foundation

/// Renders a `RunComparison` for people (`plain`), Markdown, CSV or one JSON object.
public struct ComparisonReport {
    public enum Format: String, CaseIterable, Sendable { case plain, markdown, csv, json }

    public var comparison: RunComparison
    /// Show every config key, not just the changed ones.
    public var allConfig: Bool
    /// Gate findings to include (JSON) — the command line prints them to stderr otherwise.
    public var findings: [RegressionGate.Finding]

    public init(_ comparison: RunComparison, allConfig: Bool = false, findings: [RegressionGate.Finding] = []) {
        self.comparison = comparison
        self.allConfig = allConfig
        self.findings = findings
    }

    var ids: [String] { comparison.runs.map(\.record.id) }

    /// Config table: key, one column per run.
    public var configTable: TextTable {
        TextTable(header: ["config"] + ids,
                  rows: comparison.configRows(all: allConfig).map { [$0.key] + $0.values.map { $0 ?? "-" } })
    }

    /// Metrics table: metric, first run, then each later run followed by its delta.
    public var metricsTable: TextTable {
        var header = ["metric", ids[0]]
        for id in ids.dropFirst() { header += [id, "Δ \(id.suffix(4))"] }
        let rows = comparison.metrics.map { row -> [String] in
            var cells = [row.key, valueCell(row, 0)]
            for i in row.values.indices.dropFirst() { cells += [valueCell(row, i), deltaCell(row, i)] }
            return cells
        }
        return TextTable(header: header, rows: rows, rightAligned: Set(1..<header.count))
    }

    /// The value, and for pass@k its 95% interval and the problems it rests on: `0.028 [0.010, 0.050] n=84`.
    func valueCell(_ row: RunComparison.MetricRow, _ i: Int) -> String {
        let v = MetricFormatting.value(row.values[i], metric: row.metric)
        guard row.values[i] != nil, i < row.intervals.count, let ci = row.intervals[i] else { return v }
        return "\(v) \(ci.bracketed)"
    }

    /// The delta, and for paired pass@k its interval and p-value, `*` when significant:
    /// `-0.012 [-0.030, 0.004] p=0.210`.
    func deltaCell(_ row: RunComparison.MetricRow, _ i: Int) -> String {
        guard i < row.paired.count, let p = row.paired[i] else { return MetricFormatting.delta(row.deltas[i], metric: row.metric) }
        let star = p.isSignificant(at: comparison.significance) ? " *" : ""
        return MetricFormatting.delta(p.difference, metric: row.metric)
            + " [\(String(format: "%+.3f", p.lower)), \(String(format: "%+.3f", p.upper))] \(Self.pText(p.p_value))\(star)"
    }

    /// `p=0.210`, or `p<0.001` below what three decimals show.
    static func pText(_ p: Double) -> String { p < 0.001 ? "p<0.001" : "p=\(String(format: "%.3f", p))" }

    /// What the brackets and stars mean, when any row has them.
    var legend: String {
        let intervals = comparison.metrics.contains { $0.intervals.contains { $0 != nil } }
        let paired = comparison.metrics.contains { $0.paired.contains { $0 != nil } }
        guard intervals || paired else { return "" }
        var out = "pass@k: [95% percentile bootstrap interval over problems] n=problems"
        if paired {
            out += "; Δ paired over the problems both runs scored: mean difference [95% paired bootstrap interval], "
            out += "p = two-sided sign-flip permutation test; * significant at \(comparison.significance)"
        }
        return out + "\n"
    }

    public func render(_ format: Format) throws -> String {
        switch format {
        case .plain: return plain()
        case .markdown: return markdown()
        case .csv: return csv()
        case .json: return try json()
        }
    }

    func runLines() -> [String] {
        comparison.runs.map { "\($0.record.id)  \($0.record.name)  \($0.record.status.rawValue)  \($0.directory.url.path)" }
    }

    func plain() -> String {
        var out = "runs (deltas against the first)\n" + runLines().map { "  " + $0 }.joined(separator: "\n") + "\n\n"
        let config = configTable
        if config.rows.isEmpty {
            out += allConfig ? "config: empty\n\n" : "config: identical (--all shows every key)\n\n"
        } else {
            out += config.plain() + "\n"
        }
        out += comparison.metrics.isEmpty ? "metrics: none recorded yet\n" : metricsTable.plain()
        let legend = legend
        if !legend.isEmpty { out += "\n" + legend }
        return out
    }

    func markdown() -> String {
        var out = "### Runs\n\n" + TextTable(header: ["run", "name", "status"],
                                            rows: comparison.runs.map { [$0.record.id, $0.record.name, $0.record.status.rawValue] }).markdown()
        out += "\n### Config \(allConfig ? "" : "(changed)")\n\n"
        let config = configTable
        out += config.rows.isEmpty ? "_identical_\n" : config.markdown()
        out += "\n### Metrics\n\n" + (comparison.metrics.isEmpty ? "_none recorded_\n" : metricsTable.markdown())
        let legend = legend
        if !legend.isEmpty { out += "\n" + legend }
        return out
    }

    /// One table: `kind,key,<run>...,delta <run>...` (values unformatted for machines), then for pass@k
    /// rows `lower/upper/problems <run>...` and, per later run, the paired `delta_lower/delta_upper/p/
    /// paired_problems/significant <run>` (empty elsewhere).
    func csv() -> String {
        let later = Array(ids.dropFirst())
        let header = ["kind", "key"] + ids + later.map { "delta \($0)" }
            + ids.flatMap { ["lower \($0)", "upper \($0)", "problems \($0)"] }
            + later.flatMap { ["delta_lower \($0)", "delta_upper \($0)", "p \($0)", "paired_problems \($0)", "significant \($0)"] }
        let extra = ids.count * 3 + later.count * 5
        var rows: [[String]] = []
        for row in comparison.configRows(all: allConfig) {
            rows.append(["config", row.key] + row.values.map { $0 ?? "" } + Array(repeating: "", count: ids.count - 1 + extra))
        }
        for row in comparison.metrics {
            let text: (Double?) -> String = { $0.map { String(describing: $0) } ?? "" }
            var cells = ["metric", row.key] + row.values.map(text) + row.deltas.dropFirst().map(text)
            for i in ids.indices {
                let ci = i < row.intervals.count ? row.intervals[i] : nil
                cells += [text(ci?.lower), text(ci?.upper), ci.map { "\($0.problems)" } ?? ""]
            }
            for i in ids.indices.dropFirst() {
                let p = i < row.paired.count ? row.paired[i] : nil
                cells += [text(p?.lower), text(p?.upper), text(p?.p_value), p.map { "\($0.problems)" } ?? "",
                          p.map { $0.isSignificant(at: comparison.significance) ? "true" : "false" } ?? ""]
            }
            rows.append(cells)
        }
        return TextTable(header: header, rows: rows).csv()
    }

    struct JSONRun: Codable { var id, name, status, dir: String }
    struct JSONConfig: Codable { var key: String; var values: [String?]; var changed: Bool }
    struct JSONMetric: Codable {
        var key, metric, direction: String
        var values: [Double?]
        var deltas: [Double?]
        /// pass@k rows: each run's interval; `paired` and `significant` for each run against the first.
        var intervals: [ProblemInterval?]?
        var paired: [PairedDifference?]?
        var significant: [Bool?]?
    }
    struct JSONReport: Codable {
        var significance: Double
        var runs: [JSONRun]
        var config: [JSONConfig]
        var metrics: [JSONMetric]
        var gate: [RegressionGate.Finding]?
        var worse: Bool?
    }

    func json() throws -> String {
        let report = JSONReport(
            significance: comparison.significance,
            runs: comparison.runs.map { JSONRun(id: $0.record.id, name: $0.record.name, status: $0.record.status.rawValue, dir: $0.directory.url.path) },
            config: comparison.configRows(all: allConfig).map { JSONConfig(key: $0.key, values: $0.values, changed: $0.changed) },
            metrics: comparison.metrics.map { row in
                JSONMetric(key: row.key, metric: row.metric, direction: row.direction.rawValue, values: row.values, deltas: row.deltas,
                           intervals: row.intervals.isEmpty ? nil : row.intervals,
                           paired: row.paired.isEmpty ? nil : row.paired,
                           significant: row.paired.isEmpty ? nil : row.paired.map { $0.map { $0.isSignificant(at: comparison.significance) } })
            },
            gate: findings.isEmpty ? nil : findings,
            worse: findings.isEmpty ? nil : findings.contains(where: \.worse))
        return try JSONLines.encodeLine(report) + "\n"
    }
}
