import Autograd
import FileFormats
import Models
import Training
import XCTest

final class RunConfigTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("runconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("name: code\nsources:\n  - directory: .\ntokenizer: {train: {vocab_size: 512}}\n".utf8).write(to: dir.appendingPathComponent("code.yaml"))
        try Data("{}\n".utf8).write(to: dir.appendingPathComponent("events.jsonl"))
        try Data("name: basic\n".utf8).write(to: dir.appendingPathComponent("suite.yaml"))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func parse(_ text: String) throws -> RunConfig {
        try RunConfig.parse(text, file: dir.appendingPathComponent("run.yaml"))
    }

    func errors(_ text: String) -> [String] {
        do { _ = try parse(text); return [] } catch let e as InputErrors {
            return e.errors.map { $0.description.replacingOccurrences(of: dir.path, with: "DIR") }
        } catch { return ["\(error)"] }
    }

    let good = """
    name: demo
    seed: 7
    threads: 2
    model:
      vocab_size: 512
      hidden_size: 64
      num_hidden_layers: 2
      num_attention_heads: 4
      num_key_value_heads: 2
      intermediate_size: 128
      max_position_embeddings: 128
    stages:
      - name: pretrain
        data: code.yaml
        steps: 100
        lr: 1e-3
        warmup: 10
        context: 64
        batch_size: 4
      - name: finetune
        objective: completion
        data: events.jsonl
        tokens: 10000
        context: 64
        batch_size: 4
        grad_accum: 2
        schedule: linear
        carry_optimizer: true
        early_stopping: {patience: 2, min_delta: 0.01}
        on_nan: skip
    evals:
      - suite: suite.yaml
        n: 5
        stages: [finetune]
      - suite: suite.yaml
        limit: 3
        gate: false
    """

    func testAGoodConfigWithDefaultsFilledIn() throws {
        let c = try parse(good)
        XCTAssertEqual(c.name, "demo")
        XCTAssertEqual(c.seed, 7)
        guard case .fresh(let m) = c.model else { return XCTFail("expected a fresh model") }
        XCTAssertEqual(m.hiddenSize, 64)
        XCTAssertEqual(m.headDim, 16)
        XCTAssertEqual(c.stages.map(\.name), ["pretrain", "finetune"])
        let s0 = c.stages[0], s1 = c.stages[1]
        XCTAssertEqual(s0.data, dir.appendingPathComponent("code.yaml").standardizedFileURL)
        XCTAssertEqual(s0.minLR, 1e-4, accuracy: 1e-15)
        XCTAssertEqual(s0.schedule, .cosine)
        XCTAssertEqual(s0.clip, 1)
        XCTAssertEqual(s0.objective, .nextToken)
        XCTAssertEqual(s1.steps, 20)  // ceil(10000 / (4 * 2 * 64))
        XCTAssertEqual(s1.earlyStoppingPatience, 2)
        XCTAssertEqual(s1.onNonFinite, .skip)
        XCTAssertTrue(s1.carryOptimizer)
        XCTAssertEqual(c.evals.first?.stages, ["finetune"])
        XCTAssertEqual(c.evals.first?.n, 5)
        XCTAssertEqual(c.evals.map(\.gate), [true, false])
        XCTAssertTrue(c.resolvedYAML().contains("    gate: false\n"), c.resolvedYAML())
    }

    func testEvalGateMustBeABoolean() {
        let text = good.replacingOccurrences(of: "gate: false", with: "gate: sometimes")
        XCTAssertEqual(errors(text).filter { $0.contains("gate") }.count, 1, "\(errors(text))")
        XCTAssertTrue(errors(text).contains { $0.contains("evals[1].gate: expected true or false") }, "\(errors(text))")
    }

    func testPrecisionDefaultsToAutoReadsBackAndRejectsOtherValues() throws {
        XCTAssertEqual(try parse(good).precision.rawValue, "auto")
        let bf16 = try parse(good.replacingOccurrences(of: "threads: 2\n", with: "threads: 2\nprecision: bf16\n"))
        XCTAssertEqual(bf16.precision.rawValue, "bf16")
        XCTAssertTrue(bf16.resolvedYAML().contains("\nprecision: bf16\n"), bf16.resolvedYAML())
        XCTAssertEqual(try RunConfig.parse(bf16.resolvedYAML(), file: dir.appendingPathComponent("again.yaml")).precision,
                       bf16.precision)
        let problems = errors(good.replacingOccurrences(of: "threads: 2\n", with: "threads: 2\nprecision: fp16\n"))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems.first?.contains("run.yaml:4:") == true, "\(problems)")
        XCTAssertTrue(problems.first?.contains("precision: 'fp16' is not one of fp32, bf16, auto") == true, "\(problems)")
    }

    func testAStagesPrecisionOverridesTheRunsAndReadsBack() throws {
        let text = good.replacingOccurrences(of: "threads: 2\n", with: "threads: 2\nprecision: bf16\n")
            .replacingOccurrences(of: "    batch_size: 4\n  - name: finetune", with: "    batch_size: 4\n    precision: fp32\n  - name: finetune")
        let c = try parse(text)
        XCTAssertEqual(c.stages.map { $0.precision?.rawValue }, ["fp32", nil])
        XCTAssertEqual(c.stages.map { c.precision(of: $0) }, [.fp32, .bf16])
        XCTAssertEqual(c.stagePrecisions.first, "fp32")
        XCTAssertEqual(c.stagePrecisions.last, PrecisionSetting.bf16.resolved.rawValue)   // fp32 where bf16 cannot run
        let again = try RunConfig.parse(c.resolvedYAML(), file: dir.appendingPathComponent("again.yaml"))
        XCTAssertEqual(again.stages.map(\.precision), c.stages.map(\.precision))
        let problems = errors(text.replacingOccurrences(of: "precision: fp32", with: "precision: half"))
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.contains("stages[0].precision: 'half' is not one of fp32, bf16, auto") == true, "\(problems)")
    }

    func testResolvedYAMLReadsBackToTheSameConfig() throws {
        let c = try parse(good)
        let again = try RunConfig.parse(c.resolvedYAML(), file: dir.appendingPathComponent("elsewhere.yaml"))
        var expected = c
        expected.file = again.file
        XCTAssertEqual(again, expected)
        XCTAssertTrue(c.resolvedYAML().contains("min_lr: 0.0001"), c.resolvedYAML())
    }

    func testEveryProblemIsReportedAtOnceWithLineAndColumn() {
        let text = """
        name: demo
        seed: -1
        modle: {}
        stages:
          - name: pretrain
            data: missing.yaml
            steps: 10
            tokens: 100
            lerning_rate: 0.1
            schedule: cosin
            batch_size: big
            context: 4096
            min_lr: 5
          - name: pretrain
            data: code.yaml
            objective: chat
        evals:
          - suite: suite.yaml
            stages: [pretrian]
        """
        XCTAssertEqual(errors(text), [
            "DIR/run.yaml:3:1: modle: unknown key; did you mean 'model'?",
            "DIR/run.yaml:2:7: seed: -1 is out of range 0...",
            "DIR/run.yaml:1:1: model: missing required key",
            "DIR/run.yaml:9:5: stages[0].lerning_rate: unknown key; known keys: name, data, objective, steps, tokens, batch_size, grad_accum, context, lr, warmup, schedule, min_lr, weight_decay, betas, clip, log_every, eval_every, val_batches, checkpoint_every, keep_last, early_stopping, carry_optimizer, on_nan, allow_contaminated, best, lora, base_precision, precision",
            "DIR/run.yaml:6:11: stages[0].data: no such dataset recipe: DIR/missing.yaml",
            "DIR/run.yaml:11:17: stages[0].batch_size: expected an integer, found 'big'",
            "DIR/run.yaml:8:13: stages[0].tokens: give either steps or tokens, not both",
            "DIR/run.yaml:13:13: stages[0].min_lr: 5.0 is above lr 0.0003",
            "DIR/run.yaml:10:15: stages[0].schedule: 'cosin' is not one of cosine, linear, constant; did you mean 'cosine'?",
            "DIR/run.yaml:16:16: stages[1].objective: 'chat' is not one of next_token, completion",
            "DIR/run.yaml:14:5: stages[1].steps: missing: give steps or tokens",
            "DIR/run.yaml:14:5: stages[1].name: stage name 'pretrain' is used twice",
            "DIR/run.yaml:19:14: evals[0].stages[0]: no stage named 'pretrian'; did you mean 'pretrain'?",
        ])
    }

    /// A completion stage's missing file names both makers of completion examples, exercises and telemetry.
    func testAMissingCompletionFileNamesBothWaysToMakeOne() throws {
        let text = """
        name: run
        model: {vocab_size: 64, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2}
        stages:
          - name: exercises
            objective: completion
            data: missing.jsonl
            steps: 10
        """
        XCTAssertEqual(errors(text), [
            "DIR/run.yaml:6:11: stages[0].data: no such completion-examples file: DIR/missing.jsonl (exercises: "
                + "`codetune data exercises generate --out PATH`; telemetry: `codetune data synth-telemetry --out PATH`)",
        ])
    }

    func testContextBeyondTheModelAndBadShapes() {
        let text = """
        name: demo
        model:
          hidden_size: 60
          num_attention_heads: 7
          max_position_embeddings: 64
          tie_word_embeddings: false
        stages:
          - name: a
            data: code.yaml
            steps: 5
            context: 128
            carry_optimizer: true
        """
        let found = errors(text)
        XCTAssertTrue(found.contains("DIR/run.yaml:6:24: model.tie_word_embeddings: codetune ties the output head to the embedding; only true is supported"), "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("DIR/run.yaml:4:24: model.num_attention_heads: 7 heads do not divide hidden_size 60") }, "\(found)")
        XCTAssertTrue(found.contains("DIR/run.yaml:11:14: stages[0].context: 128 exceeds the model's max_position_embeddings 64"), "\(found)")
        XCTAssertTrue(found.contains { $0.contains("stages[0].carry_optimizer: the first stage has no previous stage") }, "\(found)")
    }

    func testInitFromMustBeACheckpointAndExcludesShapeKeys() throws {
        let ckpt = dir.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: ckpt, withIntermediateDirectories: true)
        let text = """
        name: demo
        model:
          init_from: ckpt
          hidden_size: 64
        stages:
          - {name: a, data: code.yaml, steps: 5}
        """
        XCTAssertEqual(errors(text), [
            "DIR/run.yaml:4:16: model.hidden_size: init_from takes the model's shape from the checkpoint; remove this key",
            "DIR/run.yaml:3:14: model.init_from: DIR/ckpt is not a checkpoint: it needs config.json and model.safetensors",
        ])
    }

    func testProblemsInTheDatasetRecipesAreReportedWithTheConfigs() throws {
        try Data("name: bad\nsources:\n  - directory: .\ntokenizer: {train: {vocab_size: 512}}\nshard_tokns: 5\n".utf8).write(to: dir.appendingPathComponent("bad.yaml"))
        let found = errors("""
        name: demo
        seed: x
        model: {hidden_size: 64}
        stages:
          - {name: a, data: bad.yaml, steps: 5}
        """)
        XCTAssertEqual(found.count, 2, "\(found)")
        XCTAssertEqual(found.first, "DIR/run.yaml:2:7: seed: expected an integer, found 'x'")
        XCTAssertTrue(found.last?.hasPrefix("DIR/bad.yaml:5:1: shard_tokns: unknown key") ?? false, "\(found)")
    }

    func testYAMLSyntaxErrorsHaveAPlace() {
        XCTAssertThrowsError(try parse("name: [demo\nseed: 1\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix(self.dir.appendingPathComponent("run.yaml").path + ":"), "\(error)")
        }
    }
}
