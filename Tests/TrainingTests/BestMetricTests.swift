import Autograd
import Corpus
import FileFormats
import Foundation
import Models
import RunStore
import SeededRandom
import Training
import XCTest

/// `best: pass@K@SUITE` on a stage: `best-<stage>` keeps the checkpoint with the highest pass@K of a periodic
/// eval, early stopping counts those evals, and a process killed while one runs resumes as if it had not been.
/// The evals themselves are scripted here (`score`); PeriodicEvalTests runs real ones.
final class BestMetricTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("best-metric-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("name: code\nsources:\n  - directory: .\ntokenizer: {train: {vocab_size: 512}}\n".utf8).write(to: dir.appendingPathComponent("code.yaml"))
        try Data("name: tiny\nproblems: p.jsonl\nn: 4\nk: [1]\n".utf8).write(to: dir.appendingPathComponent("tiny.yaml"))
        try Data().write(to: dir.appendingPathComponent("p.jsonl"))
        Parallel.setThreads(2)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func config(best: String, early: String = "", evals: String = "  - {suite: tiny.yaml, every: 3, n: 2}") throws -> RunConfig {
        try RunConfig.parse("""
        name: t
        seed: 3
        threads: 2
        model: {vocab_size: 32, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16}
        stages:
          - {name: a, data: code.yaml, steps: 15, batch_size: 2, context: 8, lr: 0.01, log_every: 1, eval_every: 2, best: \(best)\(early)}
          - {name: b, data: code.yaml, steps: 4, batch_size: 2, context: 8, lr: 0.01, log_every: 1}
        evals:
        \(evals)
        """, file: dir.appendingPathComponent("run.yaml"))
    }

    func trainer(_ c: RunConfig, checkpoints: URL, resume: (url: URL, state: TrainingState)? = nil) throws -> Trainer {
        guard case .fresh(let shape) = c.model else { throw XCTSkip("fresh model expected") }
        var g = SeededGenerator(seed: c.seed)
        var model = MistralModel(config: shape, generator: &g)
        if let resume { model = try MistralModel.load(checkpoint: resume.url) }
        return try Trainer(config: c, checkpoints: CheckpointStore(directory: checkpoints), model: model, rng: g,
                           tokenizer: nil, peakFLOPS: nil, resume: resume) { stage, _ in
            SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: UInt64(stage.name.unicodeScalars.first!.value))
        }
    }

    /// pass@1 by stage step of stage `a`, as a periodic eval would measure it.
    let scripted: [Int: Double] = [3: 0.1, 6: 0.3, 9: 0.2, 12: 0.25, 15: 0.5]

    struct Run {
        var outcome: TrainingOutcome
        var train: [Int: Double] = [:]
        var best: [(stageStep: Int, value: Double, improved: Bool)] = []
        var scored: [String] = []
        var stageEnds: [TrainingProgress.StageEnd] = []
    }

    /// Runs `t`, scoring stage `a`'s checkpoints from `scripted`; `crashAt` throws from the score of that stage
    /// step instead (a process killed mid-eval).
    func collect(_ t: Trainer, crashAt: Int? = nil) throws -> Run {
        var run = Run(outcome: .completed)
        struct Killed: Error {}
        run.outcome = try t.run(score: { stage, c in
            let step = t.state.position.stageStep
            if step == crashAt { throw Killed() }
            run.scored.append("\(stage.name):\(c.directory.lastPathComponent)")
            return stage.name == "a" ? self.scripted[step] : nil
        }) { p in
            switch p {
            case .trained(let r): run.train[r.step] = r.loss
            case .bestMeasured(let b): run.best.append((b.stageStep, b.value, b.improved))
            case .stageFinished(let e): run.stageEnds.append(e)
            default: break
            }
            return .more
        }
        return run
    }

    func testConfigFormErrorsAndRoundTrip() throws {
        let c = try config(best: "pass@1@tiny")
        XCTAssertEqual(c.stages[0].best, .passAtK(k: 1, suite: "tiny"))
        XCTAssertEqual(c.stages[1].best, .validationLoss)
        XCTAssertTrue(c.resolvedYAML().contains("    best: pass@1@tiny\n"), c.resolvedYAML())
        XCTAssertEqual(try RunConfig.parse(c.resolvedYAML(), file: dir.appendingPathComponent("r.yaml")).stages[0].best, c.stages[0].best)
        XCTAssertEqual(try config(best: "val_loss").stages[0].best, .validationLoss)

        func error(_ best: String, evals: String = "  - {suite: tiny.yaml, every: 3, n: 2}") -> String {
            do { _ = try config(best: best, evals: evals); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(error("pass@x@tiny").contains("run.yaml:7:115: "), error("pass@x@tiny"))
        XCTAssertTrue(error("pass@x@tiny").contains("stages[0].best: 'pass@x@tiny' is not a metric: use val_loss or pass@K@SUITE"),
                      error("pass@x@tiny"))
        XCTAssertTrue(error("pass@1@other").contains("no periodic eval (every: N) of stage 'a' scores suite 'other'; the stage's periodic suites are 'tiny'"),
                      error("pass@1@other"))
        XCTAssertTrue(error("pass@1@tiny", evals: "  - {suite: tiny.yaml, n: 2}").contains("add one under evals"),
                      error("pass@1@tiny", evals: "  - {suite: tiny.yaml, n: 2}"))
        XCTAssertTrue(error("pass@1@tiny", evals: "  - {suite: tiny.yaml, every: 3, stages: [b]}").contains("no periodic eval"))
        XCTAssertTrue(error("pass@5@tiny").contains("pass@5 needs at least 5 samples per problem; the periodic eval of 'tiny' draws 2"),
                      error("pass@5@tiny"))
        // Without its own n, the suite's n (4) decides.
        XCTAssertTrue(error("pass@5@tiny", evals: "  - {suite: tiny.yaml, every: 3}").contains("draws 4"))
        XCTAssertEqual(error("pass@4@tiny", evals: "  - {suite: tiny.yaml, every: 3}"), "")
    }

    func testMetricOrdering() {
        XCTAssertEqual(BestMetric("pass@10@basic-python"), .passAtK(k: 10, suite: "basic-python"))
        XCTAssertNil(BestMetric("pass@0@x"))
        XCTAssertNil(BestMetric("pass@1@"))
        XCTAssertNil(BestMetric("loss"))
        XCTAssertTrue(BestMetric.passAtK(k: 1, suite: "s").improves(0.3, on: 0.2, minDelta: 0))
        XCTAssertFalse(BestMetric.passAtK(k: 1, suite: "s").improves(0.3, on: 0.2, minDelta: 0.1))
        XCTAssertFalse(BestMetric.passAtK(k: 1, suite: "s").improves(0.2, on: 0.2, minDelta: 0))
        XCTAssertTrue(BestMetric.validationLoss.improves(1.0, on: 2.0, minDelta: 0))
        XCTAssertFalse(BestMetric.validationLoss.improves(2.0, on: 1.0, minDelta: 0))
        XCTAssertTrue(BestMetric.validationLoss.improves(5.0, on: nil, minDelta: 0))
    }

    func testBestCheckpointFollowsPassAtKAndTheStageEndCompetes() throws {
        let c = try config(best: "pass@1@tiny")
        let ckpt = dir.appendingPathComponent("ckpt")
        let run = try collect(try trainer(c, checkpoints: ckpt))
        XCTAssertEqual(run.outcome, .completed)
        XCTAssertEqual(run.best.map(\.stageStep), [3, 6, 9, 12, 15])
        XCTAssertEqual(run.best.map(\.improved), [true, true, false, false, true])
        // Step checkpoints at multiples of `every`, the end checkpoint because 3 divides 15; the eval runs in stage
        // b too (no `stages:`), whose best stays validation loss: its end checkpoint is not scored.
        XCTAssertEqual(run.scored, ["a:step-00000003", "a:step-00000006", "a:step-00000009", "a:step-00000012", "a:stage-a",
                                    "b:step-00000018"])
        let store = CheckpointStore(directory: ckpt)
        let best = try TrainingState.read(from: store.directory.url(of: .best("a")))
        XCTAssertEqual(best.position.stageStep, 15)
        XCTAssertEqual(best.bestScore, 0.5)
        XCTAssertFalse(best.scorePending)
        let end = try TrainingState.read(from: store.directory.url(of: .stage("a")))
        XCTAssertFalse(end.scorePending, "the stage's end checkpoint is rewritten once measured")
        XCTAssertEqual(end.bestScore, 0.5)
        // Stage b keeps its best by validation loss, as before.
        let bestB = try TrainingState.read(from: store.directory.url(of: .best("b")))
        XCTAssertNotNil(bestB.bestValLoss)
        XCTAssertNil(bestB.bestScore)
    }

    func testEarlyStoppingCountsPeriodicEvalsAndKeepsTheBest() throws {
        let c = try config(best: "pass@1@tiny", early: ", early_stopping: {patience: 2, min_delta: 0.01}")
        let ckpt = dir.appendingPathComponent("ckpt")
        let run = try collect(try trainer(c, checkpoints: ckpt))
        XCTAssertEqual(run.outcome, .completed)
        // 0.1, 0.3 (best), 0.2, 0.25: two evals without an improvement → stop after step 12, measured once.
        XCTAssertEqual(run.best.map(\.stageStep), [3, 6, 9, 12])
        XCTAssertEqual(run.stageEnds.map(\.steps), [12, 4])
        XCTAssertEqual(run.stageEnds.map(\.earlyStopped), [true, false])
        let best = try TrainingState.read(from: CheckpointStore(directory: ckpt).directory.url(of: .best("a")))
        XCTAssertEqual(best.position.stageStep, 6)
        XCTAssertEqual(best.bestScore, 0.3)
        let bestWeights = try SafeTensorsFile(contentsOf: ckpt.appendingPathComponent("best-a/model.safetensors"))
        let endWeights = try SafeTensorsFile(contentsOf: ckpt.appendingPathComponent("stage-a/model.safetensors"))
        XCTAssertEqual(bestWeights.names.sorted(), endWeights.names.sorted())
        XCTAssertNotEqual(try Data(contentsOf: ckpt.appendingPathComponent("best-a/model.safetensors")),
                          try Data(contentsOf: ckpt.appendingPathComponent("stage-a/model.safetensors")),
                          "best-a holds step 6's weights, not the end's")
    }

    func testKilledDuringAPeriodicEvalResumesAsIfNot() throws {
        let c = try config(best: "pass@1@tiny", early: ", early_stopping: {patience: 2, min_delta: 0.01}")
        let whole = try collect(try trainer(c, checkpoints: dir.appendingPathComponent("whole")))

        for crashAt in [6, 12] {
            let ckpt = dir.appendingPathComponent("killed-\(crashAt)")
            XCTAssertThrowsError(try collect(try trainer(c, checkpoints: ckpt), crashAt: crashAt))
            let store = CheckpointStore(directory: ckpt)
            let latest = try XCTUnwrap(try store.latest())
            XCTAssertEqual(latest.state.position.stageStep, crashAt)
            XCTAssertTrue(latest.state.scorePending, "written before its eval ran")
            let resumed = try collect(try trainer(c, checkpoints: ckpt, resume: latest))
            XCTAssertEqual(resumed.outcome, .completed)
            XCTAssertEqual(resumed.best.first?.stageStep, crashAt, "the interrupted eval runs first")
            XCTAssertEqual(resumed.best.last.map { [$0.stageStep] }, whole.best.last.map { [$0.stageStep] })
            XCTAssertEqual(resumed.stageEnds.map(\.steps), whole.stageEnds.map(\.steps))
            for (step, loss) in resumed.train { XCTAssertEqual(loss, whole.train[step], "crash at \(crashAt), step \(step)") }
            let best = try TrainingState.read(from: store.directory.url(of: .best("a")))
            XCTAssertEqual(best.position.stageStep, 6)
            XCTAssertEqual(best.bestScore, 0.3)
        }
    }
}
