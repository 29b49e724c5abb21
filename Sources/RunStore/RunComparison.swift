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
        /// pass@k rows: each run's 95% interval over problems (nil where unknown); empty for other rows.
        public var intervals: [ProblemInterval?] = []
        /// pass@k rows: each later run against the first, paired over the problems both scored (nil for the
        /// first run and where either lacks per-problem values); empty for other rows.
        public var paired: [PairedDifference?] = []
        /// Whether run `i`'s paired difference is significant at the comparison's level.
        public func significant(_ i: Int, at level: Double) -> Bool {
            guard i < paired.count, let p = paired[i] else { return false }
            return p.isSignificant(at: level)
        }
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
    /// The level below which a paired p-value marks a difference significant (default 0.05).
    public var significance: Double

    public init(runs: [RunSummary], significance: Double = 0.05) throws {
        self.runs = runs
        self.significance = significance
        config = try Self.configRows(runs)
        metrics = Self.metricRows(runs)
    }

    /// The seed of every paired bootstrap and permutation test, so a comparison always prints the same.
    public static let pairedSeed: UInt64 = 0

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
        /// A pass@k row with intervals and paired differences against the first run.
        func addPassAtK(_ key: String, _ k: String, final: Bool, _ eval: (RunSummary) -> EvalResult?) {
            let evals = runs.map(eval)
            let values = evals.map { $0?.passAtK[k] }
            guard values.contains(where: { $0 != nil }) else { return }
            var row = MetricRow(key: key, metric: k, isFinal: final, direction: .higher, values: values)
            row.intervals = evals.map { $0?.intervals[k] }
            let base = evals[0]?.perProblem[k]
            row.paired = evals.enumerated().map { i, e in
                guard i > 0, let base, let mine = e?.perProblem[k] else { return nil }
                return ProblemStatistics.paired(baseline: base, candidate: mine, seed: pairedSeed)
            }
            rows.append(row)
        }
        add("train_loss", "train_loss", final: true, .lower) { $0.finalTrainLoss }
        add("val_loss", "val_loss", final: true, .lower) { $0.finalValLoss }
        let suites = Set(runs.flatMap { $0.evals.map(\.suite) }).sorted()
        for suite in suites {
            let ks = Set(runs.flatMap { $0.evals.filter { $0.suite == suite }.flatMap(\.passAtK.keys) })
            for k in ks.sorted(by: { EvalResult.kValue($0) < EvalResult.kValue($1) }) {
                addPassAtK("\(suite).\(k)", k, final: true) { run in run.finalEvals.first { $0.suite == suite } }
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
                    addPassAtK("\(stage).\(suite).\(k)", k, final: false) { run in
                        run.evals.first { $0.suite == suite && $0.stage == stage }
                    }
                }
            }
        }
        return rows
    }
}
