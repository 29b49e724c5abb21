import FileFormats
import Foundation
import Problems

extension RunConfig {
    /// Reports a stage's `best: pass@K@SUITE` that no periodic eval of the stage can measure: no eval with
    /// `every:` on the stage whose suite file is `SUITE.yaml`, or K above the samples per problem it draws
    /// (its `n`, else the suite's).
    static func validateBest(_ stage: StageConfig, value: YAMLValue, evals: [EvalConfig]) {
        guard case .passAtK(let k, let suite) = stage.best else { return }
        let periodic = evals.filter { $0.every != nil && ($0.stages.isEmpty || $0.stages.contains(stage.name)) }
        guard let eval = periodic.first(where: { BestMetric.suiteName(of: $0.suite) == suite }) else {
            let names = periodic.map { "'\(BestMetric.suiteName(of: $0.suite))'" }
            let hint = names.isEmpty ? "; add one under evals (suite: …/\(suite).yaml, every: N)"
                                     : "; the stage's periodic suites are \(names.joined(separator: ", "))"
            value.diagnostics.report(value.mark, value.path, "no periodic eval (every: N) of stage '\(stage.name)' scores suite '\(suite)'\(hint)")
            return
        }
        if let n = eval.n ?? (try? EvalSuite.load(eval.suite))?.n, k > n {
            value.diagnostics.report(value.mark, value.path, "pass@\(k) needs at least \(k) samples per problem; the periodic eval of '\(suite)' draws \(n) (set its n)")
        }
    }
}
