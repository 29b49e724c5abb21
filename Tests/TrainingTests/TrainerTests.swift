import Autograd
import Corpus
import FileFormats
import Models
import SeededRandom
import Training
import XCTest

final class TrainerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("name: code\nsources:\n  - directory: .\ntokenizer: {train: {vocab_size: 512}}\n".utf8).write(to: dir.appendingPathComponent("code.yaml"))
        Parallel.setThreads(2)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func config(_ stages: String, extra: String = "") throws -> RunConfig {
        try RunConfig.parse("""
        name: t
        seed: 3
        threads: 2
        model: {vocab_size: 32, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
                num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16}
        stages:
        \(stages)
        \(extra)
        """, file: dir.appendingPathComponent("run.yaml"))
    }

    let twoStages = """
      - {name: a, data: code.yaml, steps: 12, batch_size: 4, context: 8, lr: 0.01, warmup: 2, log_every: 1, eval_every: 4, checkpoint_every: 5}
      - {name: b, data: code.yaml, steps: 8, batch_size: 4, context: 8, lr: 0.005, log_every: 1, eval_every: 4, checkpoint_every: 3, grad_accum: 2}
    """

    func freshModel(_ c: RunConfig) -> (MistralModel, SeededGenerator) {
        guard case .fresh(let shape) = c.model else { fatalError() }
        var g = SeededGenerator(seed: c.seed)
        return (MistralModel(config: shape, generator: &g), g)
    }

    func trainer(_ c: RunConfig, model: MistralModel, rng: SeededGenerator, resume: (url: URL, state: TrainingState)? = nil,
                 checkpoints: URL? = nil) throws -> Trainer {
        try Trainer(config: c, checkpoints: CheckpointStore(directory: checkpoints ?? dir.appendingPathComponent("ckpt")), model: model, rng: rng,
                    tokenizer: nil, peakFLOPS: nil, resume: resume) { stage, _ in
            SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: UInt64(stage.name.unicodeScalars.first!.value))
        }
    }

    /// Train losses by run-wide step, val losses by step, and the outcome.
    func collect(_ t: Trainer, stopAfterStep: Int? = nil) throws -> (train: [Int: Double], val: [Int: Double], outcome: TrainingOutcome, events: [TrainingProgress]) {
        var train: [Int: Double] = [:], val: [Int: Double] = [:], events: [TrainingProgress] = []
        let outcome = try t.run { p in
            events.append(p)
            switch p {
            case .trained(let r): train[r.step] = r.loss; if let s = stopAfterStep, r.step >= s { return .stop }
            case .validated(let v): val[v.step] = v.loss
            default: break
            }
            return .more
        }
        return (train, val, outcome, events)
    }

    /// A stage's `precision` decides its arithmetic: with the run in bf16 and stage a in fp32, stage a's losses
    /// equal an all-fp32 run's bit for bit and stage b's are the bf16 run's.
    func testAStagesPrecisionGovernsItsOwnSteps() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        func losses(run: String, stageA: String?) throws -> [Int: Double] {
            let stages = stageA.map { twoStages.replacingOccurrences(of: "{name: a, ", with: "{name: a, precision: \($0), ") } ?? twoStages
            let c = try config(stages, extra: "precision: \(run)")
            let (model, rng) = freshModel(c)
            let ckpt = dir.appendingPathComponent("ckpt-\(run)-\(stageA ?? "none")")
            return try collect(try trainer(c, model: model, rng: rng, checkpoints: ckpt)).train
        }
        let fp32 = try losses(run: "fp32", stageA: nil)
        let bf16 = try losses(run: "bf16", stageA: nil)
        let mixed = try losses(run: "bf16", stageA: "fp32")
        for step in 1...12 { XCTAssertEqual(mixed[step], fp32[step], "stage a step \(step) runs fp32") }
        XCTAssertNotEqual(bf16[1], fp32[1], "bf16 products change the first loss")
        XCTAssertNotEqual(mixed[13], bf16[13], "stage b starts from other weights")
        // Stage b in bf16 from the fp32 stage a: its losses are neither run's, and they are the bf16 arithmetic's
        // (an fp32 stage b from the same weights differs).
        let mixedFP32 = try losses(run: "fp32", stageA: "fp32")
        XCTAssertEqual(mixedFP32[20], fp32[20])
        XCTAssertNotEqual(mixed[20], fp32[20], "stage b runs bf16")
    }

    func testStagesRunInOrderAndTheSecondStartsFromTheFirstsWeights() throws {
        let c = try config(twoStages)
        let (model, rng) = freshModel(c)
        let t = try trainer(c, model: model, rng: rng)
        let run = try collect(t)
        XCTAssertEqual(run.outcome, .completed)
        XCTAssertEqual(run.train.keys.sorted(), Array(1...20))
        XCTAssertEqual(run.val.keys.sorted(), [4, 8, 12, 16, 20])
        let starts = run.events.compactMap { if case .stageStarted(let s) = $0 { return s.stage } else { return nil } }
        XCTAssertEqual(starts, ["a", "b"])
        XCTAssertLessThan(run.train[12]!, run.train[1]!, "stage a learns")
        let names = CheckpointStore(directory: dir.appendingPathComponent("ckpt")).directory.names()
        XCTAssertTrue(names.contains("stage-a") && names.contains("stage-b") && names.contains("best-a"), "\(names)")
        XCTAssertFalse(names.contains { $0.hasPrefix("step-") }, "periodic checkpoints of finished stages are pruned: \(names)")

        // Stage b alone, from stage a's checkpoint, gives the same losses: the hand-over is exact.
        let onlyB = try config("""
          - {name: b, data: code.yaml, steps: 8, batch_size: 4, context: 8, lr: 0.005, log_every: 1, eval_every: 4, checkpoint_every: 3, grad_accum: 2}
        """)
        let fromA = try MistralModel.load(checkpoint: dir.appendingPathComponent("ckpt/stage-a"))
        let b = try collect(try trainer(onlyB, model: fromA, rng: rng, checkpoints: dir.appendingPathComponent("ckpt-b")))
        XCTAssertEqual((1...8).map { b.train[$0]! }, (13...20).map { run.train[$0]! })
    }

    func testResumeFromAStopReproducesTheUninterruptedLossSequence() throws {
        let c = try config(twoStages)
        let (m0, rng0) = freshModel(c)
        let whole = try collect(try trainer(c, model: m0, rng: rng0, checkpoints: dir.appendingPathComponent("whole")))

        for stopAt in [3, 12, 15] {
            let ckpt = dir.appendingPathComponent("part-\(stopAt)")
            let (m1, rng1) = freshModel(c)
            let first = try collect(try trainer(c, model: m1, rng: rng1, checkpoints: ckpt), stopAfterStep: stopAt)
            XCTAssertEqual(first.outcome, stopAt == 12 ? .interrupted(step: 12) : .interrupted(step: stopAt))
            let store = CheckpointStore(directory: ckpt)
            let latest = try XCTUnwrap(try store.latest())
            XCTAssertEqual(latest.state.position.step, stopAt)
            let resumed = try trainer(c, model: try MistralModel.load(checkpoint: latest.url), rng: SeededGenerator(seed: 99),
                                      resume: latest, checkpoints: ckpt)
            let second = try collect(resumed)
            XCTAssertEqual(second.outcome, .completed)
            var merged = first.train.filter { $0.key <= stopAt }
            merged.merge(second.train) { _, new in new }
            XCTAssertEqual(merged.keys.sorted(), Array(1...20), "stop at \(stopAt)")
            XCTAssertEqual(merged, whole.train, "stop at \(stopAt): losses must equal the uninterrupted run's exactly")
            var vals = first.val.filter { $0.key <= stopAt }
            vals.merge(second.val) { _, new in new }
            XCTAssertEqual(vals, whole.val)
        }
    }

    func testNonFiniteLossFailsNamingTheFirstBadTensorOrSkipsTheUpdate() throws {
        let c = try config("  - {name: a, data: code.yaml, steps: 4, batch_size: 2, context: 8, log_every: 1}")
        let (model, rng) = freshModel(c)
        model.parameters[2].data[5] = .nan  // model.layers.0.self_attn.q_proj.weight
        let failed = try collect(try trainer(c, model: model, rng: rng))
        XCTAssertEqual(failed.outcome, .failed(message: "stage a step 1: non-finite value in model.layers.0.self_attn.q_proj.weight"))
        XCTAssertEqual(model.parameterSpecs[2].name, "model.layers.0.self_attn.q_proj.weight")

        let skipping = try config("  - {name: a, data: code.yaml, steps: 4, batch_size: 2, context: 8, log_every: 1, on_nan: skip}")
        let (m2, r2) = freshModel(skipping)
        m2.parameters[2].data[5] = .infinity
        let skipped = try collect(try trainer(skipping, model: m2, rng: r2, checkpoints: dir.appendingPathComponent("skip")))
        XCTAssertEqual(skipped.outcome, .completed)
        let reports = skipped.events.compactMap { if case .nonFinite(let n) = $0 { return n } else { return nil } }
        XCTAssertEqual(reports.map(\.stageStep), [1, 2, 3, 4])
        XCTAssertTrue(reports.allSatisfy(\.skipped))
        XCTAssertTrue(skipped.train.isEmpty, "no finite loss to report")
    }

    func testEarlyStoppingAfterPatienceMeasurementsWithoutImprovement() throws {
        let c = try config("  - {name: a, data: code.yaml, steps: 50, batch_size: 2, context: 8, lr: 0, min_lr: 0, eval_every: 1, early_stopping: 2}")
        let (model, rng) = freshModel(c)
        let run = try collect(try trainer(c, model: model, rng: rng))
        XCTAssertEqual(run.outcome, .completed)
        XCTAssertEqual(run.val.keys.sorted(), [1, 2, 3])
        let end = run.events.compactMap { if case .stageFinished(let e) = $0 { return e } else { return nil } }
        XCTAssertEqual(end.first?.steps, 3)
        XCTAssertEqual(end.first?.earlyStopped, true)
    }

    func testCheckpointsArePublishedWholeAndTemporariesAreIgnored() throws {
        let c = try config("  - {name: a, data: code.yaml, steps: 6, batch_size: 2, context: 8, checkpoint_every: 2, keep_last: 2}")
        let (model, rng) = freshModel(c)
        _ = try collect(try trainer(c, model: model, rng: rng))
        let store = CheckpointStore(directory: dir.appendingPathComponent("ckpt"))
        // keep_last applies while the stage runs; the finished stage keeps only its end.
        XCTAssertEqual(store.directory.names(), ["best-a", "stage-a"])
        let stage = dir.appendingPathComponent("ckpt/stage-a")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: stage.path)),
                       ["config.json", "model.safetensors", "optimizer.safetensors", "state.json"])
        // A half-written checkpoint (a crash inside writeDirectory) is a dot-named temporary: never picked.
        let torn = dir.appendingPathComponent("ckpt/.step-00000099.tmp-1-2")
        try FileManager.default.createDirectory(at: torn, withIntermediateDirectories: true)
        try Data("{\"step\": 99".utf8).write(to: torn.appendingPathComponent("state.json"))
        XCTAssertEqual(try store.latest()?.state.position.step, 6)
        store.directory.removeTemporaries()
        XCTAssertFalse(FileManager.default.fileExists(atPath: torn.path))
        // Moments round-trip exactly.
        let restored = AdamW(parameters: model.parameters, decay: model.decayFlags)
        try CheckpointStore.readOptimizer(into: restored, names: model.parameterSpecs.map(\.name), from: stage)
        XCTAssertGreaterThan(restored.secondMoments[0].scalars.reduce(0, +), 0)
    }
}
