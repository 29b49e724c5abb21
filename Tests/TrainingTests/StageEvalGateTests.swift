import Corpus
import Evaluation
import FileFormats
import Foundation
import RunStore
import Sandbox
import Tokenizer
import Training
import XCTest

/// The session runs the config's evals on stage ends, decides which gate (the last stage, unless
/// `gate: false`), records each in `run.json` and reports it to the observer; the command line only maps
/// the result to an exit status.
final class StageEvalGateTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try EvalRunFixture.makeDirectory(prefix: "stage-evals")
        // A random model misses pass@1 = 1. The suite's name differs from its file's: reports go by the name.
        for (file, name) in [("gated.yaml", "tiny"), ("open.yaml", "open")] {
            try "name: \(name)\nproblems: p.jsonl\ntimeout_s: 2\nn: 1\nk: [1]\nmax_new_tokens: 4\nthresholds:\n  pass@1: 1.0\n"
                .write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// Two tiny completion stages on synthetic data; `gated.yaml` after every stage, `open.yaml` (`gate: false`) after `b`.
    func config() throws -> RunConfig {
        try RunConfig.parse("""
        name: gate
        seed: 3
        threads: 2
        tokenizer: tokenizer.json
        model: {vocab_size: 300, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 32}
        stages:
          - {name: a, objective: completion, data: events.jsonl, steps: 2, batch_size: 2, context: 8, val_batches: 1}
          - {name: b, objective: completion, data: events.jsonl, steps: 2, batch_size: 2, context: 8, val_batches: 1}
        evals:
          - suite: gated.yaml
          - {suite: open.yaml, stages: [b], gate: false}
        """, file: dir.appendingPathComponent("run.yaml"))
    }

    func session() throws -> TrainingSession {
        try TrainingSession.start(config: try config(), runsDir: dir.appendingPathComponent("Runs"), completionData: { stage, _, seed in
            SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: seed)
        })
    }

    func testTheLastStageGatesAndRunJSONRecordsEveryEval() throws {
        try EvalRunFixture.requireSandbox()
        let session = try session()
        var text = ""
        let printer = ProgressPrinter(mode: .lines) { text += $0 }
        let result = try session.run(observer: printer.handle)
        XCTAssertEqual(result.outcome, .completed)
        XCTAssertEqual(result.evals.map(\.stage), ["a", "b", "b"])
        XCTAssertEqual(result.evals.map(\.gated), [false, true, false])
        XCTAssertEqual(result.evals.map(\.verdict), [.fail, .fail, .fail])
        XCTAssertTrue(result.gateFailed)
        XCTAssertFalse(result.evalCouldNotRun)

        let record = try session.run.readRecord()
        XCTAssertEqual(record.status, .completed)
        XCTAssertEqual(record.precision, session.config.precision.resolved.rawValue)   // what ran here
        XCTAssertEqual(record.stagePrecisions, [String](repeating: record.precision ?? "", count: 2))   // each stage's
        let evals = try XCTUnwrap(record.evals)
        XCTAssertEqual(evals, [
            StageEval(suite: "tiny", stage: "a", verdict: .fail, gated: false, directory: "evals/tiny/a"),
            StageEval(suite: "tiny", stage: "b", verdict: .fail, gated: true, directory: "evals/tiny/b"),
            StageEval(suite: "open", stage: "b", verdict: .fail, gated: false, directory: "evals/open/b"),
        ])
        for e in evals {
            let summary = session.run.url.appendingPathComponent(e.directory!).appendingPathComponent("summary.json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: summary.path), summary.path)
        }
        let out = session.run.url.path
        for line in ["stage a finished after 2 steps\neval gated.yaml on stage a's checkpoint\n",
                     "eval tiny after a: pass@1 0.000 [0.000, 0.000] n=2 (fail) -> \(out)/evals/tiny/a\n",
                     "eval tiny after a: below thresholds; not gated (only the last stage is)\n",
                     "eval tiny after b: pass@1 0.000 [0.000, 0.000] n=2 (fail) -> \(out)/evals/tiny/b\neval open.yaml on stage b's checkpoint\n",
                     "eval open after b: below thresholds; not gated (gate: false)\n"] {
            XCTAssertTrue(text.contains(line), "missing \(line) in:\n\(text)")
        }
        XCTAssertFalse(text.contains("eval tiny after b: below thresholds"), text)
    }

    /// An eval that cannot run does not stop training: it is printed (even when quiet), recorded as `error`
    /// and makes the result say so (exit status 2).
    func testAnEvalThatCannotRunIsRecordedAndReported() throws {
        let session = try session()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("gated.yaml"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("open.yaml"))
        var text = ""
        let printer = ProgressPrinter(mode: .quiet) { text += $0 }
        let result = try session.run(observer: printer.handle)
        XCTAssertEqual(result.outcome, .completed)
        XCTAssertTrue(result.evalCouldNotRun)
        XCTAssertFalse(result.gateFailed)
        let evals = try XCTUnwrap(try session.run.readRecord().evals)
        XCTAssertEqual(evals.map(\.verdict), [.error, .error, .error])
        XCTAssertEqual(evals.map(\.gated), [false, true, false])
        XCTAssertEqual(evals.map(\.suite), [dir.appendingPathComponent("gated.yaml").path, dir.appendingPathComponent("gated.yaml").path,
                                            dir.appendingPathComponent("open.yaml").path])
        XCTAssertNil(evals[0].directory)
        XCTAssertNotNil(evals[0].message)
        XCTAssertEqual(text.split(separator: "\n").count, 3, text)
        XCTAssertTrue(text.hasPrefix("eval \(dir.appendingPathComponent("gated.yaml").path) after stage a: "), text)
    }

    func testGatePolicyIsTheLastStageUnlessTheEvalOptsOut() throws {
        let config = try config()
        XCTAssertEqual(config.evals(after: "a").map(\.suite.lastPathComponent), ["gated.yaml"])
        XCTAssertEqual(config.evals(after: "b").map(\.suite.lastPathComponent), ["gated.yaml", "open.yaml"])
        XCTAssertFalse(config.gates(config.evals[0], after: "a"))
        XCTAssertTrue(config.gates(config.evals[0], after: "b"))
        XCTAssertFalse(config.gates(config.evals[1], after: "b"))
    }
}
