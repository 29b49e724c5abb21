import Evaluation
import Foundation
import RunStore

extension RunConfig {
    /// The evals that run on stage `stage`'s end checkpoint, in config order (periodic ones do not).
    public func evals(after stage: String) -> [EvalConfig] {
        evals.filter { $0.every == nil && ($0.stages.isEmpty || $0.stages.contains(stage)) }
    }

    /// The periodic evals (`every: N`) of stage `stage`, in config order.
    public func periodicEvals(stage: String) -> [EvalConfig] {
        evals.filter { $0.every != nil && ($0.stages.isEmpty || $0.stages.contains(stage)) }
    }

    /// The periodic evals due at step `stageStep` of `stage` (`every` divides it), in config order.
    public func periodicEvals(stage: String, stageStep: Int) -> [EvalConfig] {
        periodicEvals(stage: stage).filter { e in stageStep > 0 && e.every.map { stageStep % $0 == 0 } == true }
    }

    /// Whether eval `eval` run after `stage` gates the run (a missed threshold fails it). The thresholds
    /// gate the model the run delivers, its last stage's checkpoint, unless the eval says `gate: false`;
    /// an earlier stage's score is recorded for comparison (`runs compare`, `runs show`), not gated.
    public func gates(_ eval: EvalConfig, after stage: String) -> Bool {
        eval.gate && stage == stages.last?.name
    }
}

extension TrainingSession {
    /// Runs the config's evals of `stage` on its end checkpoint (`checkpoints/stage-<stage>/`, reports in
    /// `evals/<suite>/<stage>/`) with the run's seed, records each in `run.json` and reports each to `observer`.
    /// An eval that cannot run is reported and recorded (verdict `error`), not thrown; only failing to
    /// write `run.json` throws.
    func evaluate(after stage: String, observer: (TrainingProgress) -> Void) throws -> [TrainingProgress.EvalReport] {
        let checkpoint = CheckpointLocation(run: run, name: CheckpointName.stage(stage).description)
        var reports: [TrainingProgress.EvalReport] = []
        for eval in config.evals(after: stage) {
            observer(.evalStarted(.init(suite: eval.suite, stage: stage)))
            let outcome = score(eval, on: checkpoint)
            let report = TrainingProgress.EvalReport(suite: eval.suite, stage: stage, gate: eval.gate,
                                                     gated: config.gates(eval, after: stage), outcome: outcome)
            try run.updateRecord { $0.record(stageEval(report)) }
            observer(.evaluated(report))
            reports.append(report)
        }
        return reports
    }

    /// Runs the periodic evals of `stage` due at checkpoint `c` (its stage step a multiple of their `every`)
    /// on it, reports in `evals/<suite>/step-N/` (N the run-wide step, also when `c` is the stage's end
    /// checkpoint), and appends each pass@k to `metrics.jsonl` (`split: eval`). They never gate; one that
    /// cannot run is reported to `observer` and training goes on.
    ///
    /// Returns the stage's `best` pass@k on `c` when `best` is `pass@K@SUITE` and SUITE was scored: the mean
    /// over problems of the unbiased pass@K from each problem's samples; nil otherwise.
    func evaluatePeriodically(_ c: TrainingProgress.CheckpointReport, stage: StageConfig,
                              observer: (TrainingProgress) -> Void) throws -> Double? {
        let position = trainer.state.position
        var checkpoint = CheckpointLocation(run: run, name: c.directory.lastPathComponent)
        checkpoint.label = CheckpointName.evalLabel(of: CheckpointName.step(c.step).description)
        var best: Double?
        for eval in config.periodicEvals(stage: stage.name, stageStep: position.stageStep) {
            observer(.evalStarted(.init(suite: eval.suite, stage: checkpoint.label)))
            let outcome = score(eval, on: checkpoint)
            if case .scored(let e) = outcome {
                try log.append(.eval(step: c.step, stage: c.stage, stageStep: position.stageStep, suite: e.summary.suite,
                                     passAtK: e.summary.pass_at_k, problems: e.summary.problems, tokens: trainer.state.tokens,
                                     elapsed: trainer.state.elapsed))
                log.sync()
                if case .passAtK(let k, let suite) = stage.best, BestMetric.suiteName(of: eval.suite) == suite {
                    best = meanPassAtK(e.summary, k: k)
                }
            }
            observer(.evaluated(TrainingProgress.EvalReport(suite: eval.suite, stage: checkpoint.label, gate: false, gated: false,
                                                            outcome: outcome)))
        }
        return best
    }

    /// Mean over problems of the unbiased pass@`k` of each problem's samples (nil without problems).
    func meanPassAtK(_ summary: EvalSummary, k: Int) -> Double? {
        let rows = summary.per_problem
        guard !rows.isEmpty else { return nil }
        return rows.map { passAtK(n: $0.n, c: $0.passed, k: k) }.reduce(0, +) / Double(rows.count)
    }

    /// Scores `eval` on `checkpoint` with the run's seed; an eval that cannot run (a bad suite, no sandbox)
    /// is an outcome, not an error.
    func score(_ eval: EvalConfig, on checkpoint: CheckpointLocation) -> TrainingProgress.EvalReport.Outcome {
        do {
            return .scored(try evaluateCheckpoint(suite: eval.suite, checkpoint: checkpoint, n: eval.n, limit: eval.limit,
                                                  seed: config.seed))
        } catch {
            return .couldNotRun("\(error)")
        }
    }

    /// `report` as `run.json` records it.
    func stageEval(_ report: TrainingProgress.EvalReport) -> StageEval {
        switch report.outcome {
        case .scored(let e):
            return StageEval(suite: e.summary.suite, stage: report.stage, verdict: e.summary.verdict == .pass ? .pass : .fail,
                             gated: report.gated, directory: run.relativePath(of: e.directory))
        case .couldNotRun(let error):
            return StageEval(suite: report.suite.path, stage: report.stage, verdict: .error, gated: report.gated, message: error)
        }
    }
}
