import Foundation

/// What one stage of a run reached, read from its metrics log.
public struct StageSummary: Equatable, Sendable {
    public var name: String
    /// Last step within the stage.
    public var steps: Int
    /// Run-wide token count when the stage began (the previous stage's last record; 0 for the first).
    public var startTokens: Int
    /// Run-wide token count at the stage's last record.
    public var lastTokens: Int
    /// Tokens consumed in the stage.
    public var tokens: Int { lastTokens - startTokens }
    /// Last training report (itself a mean over the steps since the report before it).
    public var finalTrainLoss: Double?
    public var finalValLoss: Double?
    public var bestValLoss: Double?
}

/// A run as `runs list / show / compare` see it: its record, stages, losses and pass@k.
public struct RunSummary: Sendable {
    public var directory: RunDirectory
    public var record: RunRecord
    public var stages: [StageSummary]
    public var evals: [EvalResult]
    /// Tokens consumed over the whole run.
    public var tokens: Int
    /// Training seconds (summed over launches).
    public var durationSeconds: Double
    public var metrics: [MetricRecord]

    public var finalTrainLoss: Double? { stages.last(where: { $0.finalTrainLoss != nil })?.finalTrainLoss }
    public var finalValLoss: Double? { stages.last(where: { $0.finalValLoss != nil })?.finalValLoss }

    /// Best pass@k per suite over its stages' end evals: suite → (pass@K → value). A suite scored only by
    /// periodic evals (`evals/<suite>/step-N/`) counts those; otherwise they are left out, since a periodic eval
    /// usually scores fewer problems and samples (`limit`, `n`) and its figure is not comparable.
    public var bestPassAtK: [String: [String: Double]] {
        let stageNames = Set(record.stages)
        let atStageEnds = Set(evals.filter { stageNames.contains($0.stage) }.map(\.suite))
        var out: [String: [String: Double]] = [:]
        for e in evals where stageNames.contains(e.stage) || !atStageEnds.contains(e.suite) {
            for (k, v) in e.passAtK { out[e.suite, default: [:]][k] = max(out[e.suite]?[k] ?? -1, v) }
        }
        return out
    }

    /// For each suite, the eval of the latest stage (in run order) that has one; a suite scored only by
    /// periodic evals (`evals/<suite>/step-N/`), the one of the highest step.
    public var finalEvals: [EvalResult] {
        let order = Dictionary(uniqueKeysWithValues: record.stages.enumerated().map { ($1, $0) })
        func rank(_ label: String) -> (Int, Int) {
            if let i = order[label] { return (2, i) }
            if case .step(let step)? = CheckpointName(label) { return (1, step) }
            return (0, 0)
        }
        var best: [String: EvalResult] = [:]
        for e in evals {
            if let cur = best[e.suite], rank(cur.stage) >= rank(e.stage) { continue }
            best[e.suite] = e
        }
        return best.keys.sorted().compactMap { best[$0] }
    }

    public init(directory: RunDirectory) throws {
        self.directory = directory
        record = try directory.readRecord()
        metrics = try directory.readMetrics()
        evals = directory.readEvals()
        tokens = metrics.map(\.tokens).max() ?? 0
        durationSeconds = max(record.elapsedSeconds, metrics.map(\.elapsed).max() ?? 0)
        stages = Self.stages(of: metrics, order: record.stages)
    }

    /// Per-stage summaries in run order (stages with no records are left out).
    static func stages(of metrics: [MetricRecord], order: [String]) -> [StageSummary] {
        var byName: [String: StageSummary] = [:]
        var seen: [String] = []
        for m in metrics {
            var s = byName[m.stage] ?? StageSummary(name: m.stage, steps: 0, startTokens: m.tokens, lastTokens: m.tokens)
            if byName[m.stage] == nil { seen.append(m.stage) }
            s.steps = max(s.steps, m.stageStep)
            s.lastTokens = max(s.lastTokens, m.tokens)
            switch m.split {
            case .train: s.finalTrainLoss = m.loss
            case .val:
                s.finalValLoss = m.loss
                s.bestValLoss = min(s.bestValLoss ?? .infinity, m.loss)
            case .eval: break
            }
            byName[m.stage] = s
        }
        let ordered = order.filter { byName[$0] != nil } + seen.filter { !order.contains($0) }
        var out = ordered.compactMap { byName[$0] }
        for i in out.indices { out[i].startTokens = i == 0 ? 0 : out[i - 1].lastTokens }
        return out
    }
}
