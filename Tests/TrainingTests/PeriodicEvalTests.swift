import Corpus
import Evaluation
import FileFormats
import Foundation
import RunStore
import Sandbox
import Tokenizer
import Training
import XCTest

/// `every: N` on an eval entry: the suite runs on the `step-N` checkpoints of a stage, logs pass@k to
/// `metrics.jsonl` (`split: eval`), never gates, and a resume after one neither repeats nor loses it.
final class PeriodicEvalTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try EvalRunFixture.makeDirectory(prefix: "periodic-evals")
        try "name: tiny\nproblems: p.jsonl\ntimeout_s: 2\nn: 4\nk: [1]\nmax_new_tokens: 4\nthresholds:\n  pass@1: 1.0\n"
            .write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// One stage of 5 steps, no periodic checkpoints of its own; `tiny` every 2 steps with n 1 on 1 problem.
    func config() throws -> RunConfig {
        try RunConfig.parse("""
        name: periodic
        seed: 3
        threads: 2
        tokenizer: tokenizer.json
        model: {vocab_size: 300, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 32}
        stages:
          - {name: a, objective: completion, data: events.jsonl, steps: 5, batch_size: 2, context: 8, val_batches: 1}
        evals:
          - {suite: tiny.yaml, every: 2, n: 1, limit: 1}
        """, file: dir.appendingPathComponent("run.yaml"))
    }

    func data() -> StageDataSources.CompletionDataBuilder {
        { stage, _, seed in SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: seed) }
    }

    func testConfigFormAndRoundTrip() throws {
        let config = try config()
        XCTAssertEqual(config.evals[0].every, 2)
        XCTAssertFalse(config.evals[0].gate)
        XCTAssertEqual(config.evals(after: "a").count, 0)  // periodic entries do not run at stage ends
        XCTAssertEqual(config.periodicEvals(stage: "a", stageStep: 4).count, 1)
        XCTAssertEqual(config.periodicEvals(stage: "a", stageStep: 3).count, 0)
        XCTAssertTrue(config.resolvedYAML().contains("    every: 2\n"), config.resolvedYAML())
        XCTAssertThrowsError(try RunConfig.parse("""
        name: x
        tokenizer: tokenizer.json
        model: {vocab_size: 300, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 32}
        stages:
          - {name: a, objective: completion, data: events.jsonl, steps: 5}
        evals:
          - {suite: tiny.yaml, every: 0}
        """, file: dir.appendingPathComponent("bad.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("bad.yaml:8:31: evals[0].every: 0 is out of range 1...10000000"), "\(error)")
        }
    }

    func testLogsPassAtKEveryNStepsAndResumesAcrossOne() throws {
        try EvalRunFixture.requireSandbox()
        let run: RunDirectory
        do {  // the first session (and its lock) ends with this block
            let session = try TrainingSession.start(config: try config(), runsDir: dir.appendingPathComponent("Runs"), completionData: data())
            run = session.run
            // Stop right after the first periodic eval (step 2): the checkpoint is step-00000002.
            var sawEval = false
            let first = try session.run(observer: { if case .evaluated = $0 { sawEval = true } }, shouldStop: { sawEval })
            XCTAssertEqual(first.outcome, .interrupted(step: 2))
        }
        var records = try MetricsLog.read(run.metricsURL).filter { $0.split == .eval }
        XCTAssertEqual(records.map(\.stageStep), [2])
        // A resumed run that scores an unchanged checkpoint again (StageEvals.score's call) reuses its eval.
        let step2 = run.evalURL(suite: "tiny", label: "step-00000002").appendingPathComponent("summary.json")
        let written = try JSONDecoder().decode(EvalSummary.self, from: Data(contentsOf: step2))
        XCTAssertEqual(written.reused, false)
        let again = try evaluateCheckpoint(suite: dir.appendingPathComponent("tiny.yaml"),
                                           checkpoint: CheckpointLocation(run: run, name: "step-00000002"), n: 1, limit: 1, seed: 3)
        XCTAssertEqual(again.summary.reused, true)
        XCTAssertEqual(again.summary.pass_at_k, written.pass_at_k)
        XCTAssertEqual(again.summary.cache_key, written.cache_key)

        let resumed = try TrainingSession.resume(runDirectory: run.url, completionData: data())
        var text = ""
        let printer = ProgressPrinter(mode: .lines) { text += $0 }
        let second = try resumed.run(observer: printer.handle)
        XCTAssertEqual(second.outcome, .completed)
        XCTAssertEqual(second.evals.count, 0)  // nothing gates
        XCTAssertFalse(second.gateFailed)
        records = try MetricsLog.read(run.metricsURL).filter { $0.split == .eval }
        XCTAssertEqual(records.map(\.stageStep), [2, 4])
        XCTAssertEqual(records.map(\.suite), ["tiny", "tiny"])
        XCTAssertEqual(records.map(\.problems), [1, 1])
        XCTAssertNotNil(records[1].passAtK?["pass@1"])
        XCTAssertTrue(records[1].loss.isNaN)
        XCTAssertTrue(text.contains("eval tiny.yaml on checkpoint step-00000004"), text)
        XCTAssertTrue(text.contains("eval tiny after step-00000004: pass@1 "), text)
        XCTAssertFalse(text.contains("not gated"), text)
        for step in ["step-00000002", "step-00000004"] {
            let summary = run.evalURL(suite: "tiny", label: step).appendingPathComponent("summary.json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: summary.path), summary.path)
        }
        XCTAssertEqual(try run.readRecord().evals ?? [], [])
        // Eval lines leave the losses alone and plot as pass@1 against tokens.
        let summary = try RunSummary(directory: run)
        XCTAssertEqual(summary.stages.first?.steps, 5)
        let svg = try LossPlot(runs: [summary], metric: "pass@1").svg()
        XCTAssertTrue(svg.contains("data-split=\"eval\""), svg)
        XCTAssertThrowsError(try LossPlot(runs: [summary], metric: "pass@x"))
    }

    /// `best: pass@1@tiny`: the session hands each periodic eval's pass@1 to the trainer, which keeps
    /// `best-a` at the first checkpoint reaching the highest one (the end checkpoint competes: 2 divides 4).
    func testBestByPassAtKFollowsThePeriodicEvals() throws {
        try EvalRunFixture.requireSandbox()
        var text = try String(contentsOf: dir.appendingPathComponent("tiny.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "n: 4", with: "n: 2")
        try text.write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
        let config = try RunConfig.parse("""
        name: periodic-best
        seed: 3
        threads: 2
        tokenizer: tokenizer.json
        model: {vocab_size: 300, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 32}
        stages:
          - {name: a, objective: completion, data: events.jsonl, steps: 4, batch_size: 2, context: 8, val_batches: 1,
             best: pass@1@tiny}
        evals:
          - {suite: tiny.yaml, every: 2, n: 2, limit: 1}
        """, file: dir.appendingPathComponent("run.yaml"))
        let session = try TrainingSession.start(config: config, runsDir: dir.appendingPathComponent("Runs"), completionData: data())
        var measured: [(Int, Double)] = []
        let result = try session.run(observer: { if case .bestMeasured(let b) = $0 { measured.append((b.stageStep, b.value)) } })
        XCTAssertEqual(result.outcome, .completed)
        let records = try MetricsLog.read(session.run.metricsURL).filter { $0.split == .eval }
        XCTAssertEqual(records.map(\.stageStep), [2, 4])
        XCTAssertEqual(measured.map(\.0), [2, 4])
        XCTAssertEqual(measured.map(\.1), records.map { $0.passAtK?["pass@1"] ?? -1 })
        let top = measured.map(\.1).max() ?? -1
        let firstTop = measured.first { $0.1 == top }?.0
        let best = try TrainingState.read(from: session.run.checkpoints.url(of: .best("a")))
        XCTAssertEqual(best.bestScore, top)
        XCTAssertEqual(best.position.stageStep, firstTop)
        // The stage's end checkpoint was scored under the label of its step.
        let end = session.run.evalURL(suite: "tiny", label: "step-00000004").appendingPathComponent("summary.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: end.path), end.path)
    }
}
