import FileFormats
import Foundation

/// Runs side by side, the way DVC's `metrics diff` / `exp show` read: the config values that
/// differ, then final and per-stage metrics and pass@k, each with its delta against the first run.
public struct RunComparison {
    /// Which way a metric improves; the regression gate needs it.
    public enum Direction: String, Codable, Sendable {
        case lower, higher
        /// A count (steps, tokens): shown, never gated.
        case neutral
    }

    public struct ConfigRow: Equatable {
        public var key: String
        /// One per run; nil where the run's config lacks the key.
        public var values: [String?]
        public var changed: Bool { Set(values.map { $0 ?? "\u{0}" }).count > 1 }
    }

    public struct MetricRow: Equatable {
        /// `val_loss`, `pretrain.val_loss`, `basic-python.pass@1`, `finetune.basic-python.pass@1`.
        public var key: String
        /// The last component of the key: `val_loss`, `pass@1`.
        public var metric: String
        /// Whether the row describes the run as a whole (not one stage).
        public var isFinal: Bool
        public var direction: Direction
        public var values: [Double?]
        /// `values[i] - values[0]`; nil for the first run or when either side is missing.
        public var deltas: [Double?] {
            values.enumerated().map { i, v in
                guard i > 0, let v, let first = values[0] else { return nil }
                return v - first
            }
        }
    }

    public var runs: [RunSummary]
    /// Every config key of any run, in first-seen order.
    public var config: [ConfigRow]
    public var metrics: [MetricRow]

    public init(runs: [RunSummary]) throws {
        self.runs = runs
        config = try Self.configRows(runs)
        metrics = Self.metricRows(runs)
    }

    /// Config rows to show: the changed ones, or all of them.
    public func configRows(all: Bool) -> [ConfigRow] { all ? config : config.filter(\.changed) }

    static func configRows(_ runs: [RunSummary]) throws -> [ConfigRow] {
        var order: [String] = []
        var perRun: [[String: String]] = []
        for run in runs {
            let text = try run.directory.readConfigText()
            let (root, _) = try YAMLFile.parse(text, file: run.directory.configURL.path)
            var map: [String: String] = [:]
            for (path, value) in root.leaves {
                if map[path] == nil && !order.contains(path) { order.append(path) }
                map[path] = value
            }
            perRun.append(map)
        }
        return order.map { key in ConfigRow(key: key, values: perRun.map { $0[key] }) }
    }

    static func metricRows(_ runs: [RunSummary]) -> [MetricRow] {
        var rows: [MetricRow] = []
        func add(_ key: String, _ metric: String, final: Bool, _ direction: Direction, _ value: (RunSummary) -> Double?) {
            let values = runs.map(value)
            if values.contains(where: { $0 != nil }) {
                rows.append(MetricRow(key: key, metric: metric, isFinal: final, direction: direction, values: values))
            }
        }
        add("train_loss", "train_loss", final: true, .lower) { $0.finalTrainLoss }
        add("val_loss", "val_loss", final: true, .lower) { $0.finalValLoss }
        let suites = Set(runs.flatMap { $0.evals.map(\.suite) }).sorted()
        for suite in suites {
            let ks = Set(runs.flatMap { $0.evals.filter { $0.suite == suite }.flatMap(\.passAtK.keys) })
            for k in ks.sorted(by: { EvalResult.kValue($0) < EvalResult.kValue($1) }) {
                add("\(suite).\(k)", k, final: true, .higher) { run in run.finalEvals.first { $0.suite == suite }?.passAtK[k] }
            }
        }
        add("tokens", "tokens", final: true, .neutral) { Double($0.tokens) }
        add("duration_s", "duration_s", final: true, .lower) { $0.durationSeconds > 0 ? $0.durationSeconds : nil }
        add("tokens_per_s", "tokens_per_s", final: true, .higher) {
            $0.durationSeconds > 0 ? Double($0.tokens) / $0.durationSeconds : nil
        }
        var stageNames: [String] = []
        for run in runs { for s in run.record.stages + run.stages.map(\.name) where !stageNames.contains(s) { stageNames.append(s) } }
        for stage in stageNames {
            func of(_ run: RunSummary) -> StageSummary? { run.stages.first { $0.name == stage } }
            add("\(stage).train_loss", "train_loss", final: false, .lower) { of($0)?.finalTrainLoss }
            add("\(stage).val_loss", "val_loss", final: false, .lower) { of($0)?.finalValLoss }
            add("\(stage).best_val_loss", "best_val_loss", final: false, .lower) { of($0)?.bestValLoss }
            add("\(stage).steps", "steps", final: false, .neutral) { of($0).map { Double($0.steps) } }
            add("\(stage).tokens", "tokens", final: false, .neutral) { of($0).map { Double($0.tokens) } }
            for suite in suites {
                let ks = Set(runs.flatMap { $0.evals.filter { $0.suite == suite && $0.stage == stage }.flatMap(\.passAtK.keys) })
                for k in ks.sorted(by: { EvalResult.kValue($0) < EvalResult.kValue($1) }) {
                    add("\(stage).\(suite).\(k)", k, final: false, .higher) { run in
                        run.evals.first { $0.suite == suite && $0.stage == stage }?.passAtK[k]
                    }
                }
            }
        }
        return rows
    }
}
