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
            var cells = [row.key, MetricFormatting.value(row.values[0], metric: row.metric)]
            let deltas = row.deltas
            for i in row.values.indices.dropFirst() {
                cells += [MetricFormatting.value(row.values[i], metric: row.metric), MetricFormatting.delta(deltas[i], metric: row.metric)]
            }
            return cells
        }
        return TextTable(header: header, rows: rows, rightAligned: Set(1..<header.count))
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
        return out
    }

    func markdown() -> String {
        var out = "### Runs\n\n" + TextTable(header: ["run", "name", "status"],
                                            rows: comparison.runs.map { [$0.record.id, $0.record.name, $0.record.status.rawValue] }).markdown()
        out += "\n### Config \(allConfig ? "" : "(changed)")\n\n"
        let config = configTable
        out += config.rows.isEmpty ? "_identical_\n" : config.markdown()
        out += "\n### Metrics\n\n" + (comparison.metrics.isEmpty ? "_none recorded_\n" : metricsTable.markdown())
        return out
    }

    /// One table: `kind,key,<run>...,delta <run>...` (values unformatted for machines).
    func csv() -> String {
        let header = ["kind", "key"] + ids + ids.dropFirst().map { "delta \($0)" }
        var rows: [[String]] = []
        for row in comparison.configRows(all: allConfig) {
            rows.append(["config", row.key] + row.values.map { $0 ?? "" } + Array(repeating: "", count: ids.count - 1))
        }
        for row in comparison.metrics {
            let text: (Double?) -> String = { $0.map { String(describing: $0) } ?? "" }
            rows.append(["metric", row.key] + row.values.map(text) + row.deltas.dropFirst().map(text))
        }
        return TextTable(header: header, rows: rows).csv()
    }

    struct JSONRun: Codable { var id, name, status, dir: String }
    struct JSONConfig: Codable { var key: String; var values: [String?]; var changed: Bool }
    struct JSONMetric: Codable { var key, metric, direction: String; var values: [Double?]; var deltas: [Double?] }
    struct JSONReport: Codable {
        var runs: [JSONRun]
        var config: [JSONConfig]
        var metrics: [JSONMetric]
        var gate: [RegressionGate.Finding]?
        var worse: Bool?
    }

    func json() throws -> String {
        let report = JSONReport(
            runs: comparison.runs.map { JSONRun(id: $0.record.id, name: $0.record.name, status: $0.record.status.rawValue, dir: $0.directory.url.path) },
            config: comparison.configRows(all: allConfig).map { JSONConfig(key: $0.key, values: $0.values, changed: $0.changed) },
            metrics: comparison.metrics.map { JSONMetric(key: $0.key, metric: $0.metric, direction: $0.direction.rawValue, values: $0.values, deltas: $0.deltas) },
            gate: findings.isEmpty ? nil : findings,
            worse: findings.isEmpty ? nil : findings.contains(where: \.worse))
        return try JSONLines.encodeLine(report) + "\n"
    }
}
