import Autograd
import FileFormats
import Foundation
import Models
import SeededRandom
import Training
import XCTest

/// A LoRA stage: its config keys and their errors, adapter-only checkpoints that reference the base by
/// hash, a base that never changes, and a resume (with dropout and a q4 base) that reproduces the
/// uninterrupted loss sequence exactly.
final class LoRATrainingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-trainer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("name: code\nsources:\n  - directory: .\ntokenizer: {train: {vocab_size: 512}}\n".utf8).write(to: dir.appendingPathComponent("code.yaml"))
        Parallel.setThreads(2)
        let shape = MistralConfig(vocabSize: 32, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 2, numAttentionHeads: 2,
                                  numKeyValueHeads: 1, maxPositionEmbeddings: 16)
        var g = SeededGenerator(seed: 5)
        let base = MistralModel(config: shape, generator: &g)
        for p in base.parameters where p.rank == 2 { for i in 0..<p.count { p.data[i] *= 5 } }
        try base.save(to: dir.appendingPathComponent("base"))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func config(_ stages: String, model: String = "{init_from: base}") throws -> RunConfig {
        try RunConfig.parse("name: t\nseed: 3\nthreads: 2\nmodel: \(model)\nstages:\n\(stages)\n", file: dir.appendingPathComponent("run.yaml"))
    }

    let loraStage = """
      - {name: a, data: code.yaml, steps: 10, batch_size: 4, context: 8, lr: 0.01, log_every: 1, checkpoint_every: 3,
         lora: {rank: 4, alpha: 8, dropout: 0.1, targets: [q_proj, v_proj, down_proj]}, base_precision: q4}
    """

    func trainer(_ c: RunConfig, model: MistralModel, rng: SeededGenerator, resume: (url: URL, state: TrainingState)? = nil,
                 checkpoints: URL) throws -> Trainer {
        try Trainer(config: c, checkpoints: CheckpointStore(directory: checkpoints), model: model, rng: rng,
                    tokenizer: nil, peakFLOPS: nil, resume: resume) { stage, _ in
            SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: 17)
        }
    }

    func losses(_ t: Trainer, stopAfterStep: Int? = nil) throws -> [Int: Double] {
        var train: [Int: Double] = [:]
        _ = try t.run { p in
            if case .trained(let r) = p {
                train[r.step] = r.loss
                if let s = stopAfterStep, r.step >= s { return .stop }
            }
            return .more
        }
        return train
    }

    func testConfigKeysDefaultsAndErrors() throws {
        let c = try config(loraStage)
        let lora = try XCTUnwrap(c.stages[0].lora)
        XCTAssertEqual(lora, LoRASettings(rank: 4, alpha: 8, dropout: 0.1, targets: [.qProj, .vProj, .downProj], basePrecision: .q4))
        XCTAssertEqual(try RunConfig.parse(c.resolvedYAML(), file: dir.appendingPathComponent("again.yaml")).stages, c.stages)
        let plain = try config("  - {name: a, data: code.yaml, steps: 2, lora: {}}")
        XCTAssertEqual(plain.stages[0].lora, LoRASettings(rank: 8, alpha: 16, dropout: 0, targets: LoRATarget.allCases, basePrecision: .fp32))

        func errors(_ stages: String, model: String = "{init_from: base}") -> String {
            do { _ = try config(stages, model: model); return "" } catch { return "\(error)" }
        }
        let fresh = errors("  - {name: a, data: code.yaml, steps: 2, lora: {rank: 2}}", model: "{vocab_size: 32, hidden_size: 32}")
        XCTAssertTrue(fresh.contains("run.yaml:6:5: stages[0].lora: LoRA freezes a pretrained base"), fresh)
        let notLast = errors("  - {name: a, data: code.yaml, steps: 2, lora: {rank: 2}}\n  - {name: b, data: code.yaml, steps: 2}")
        XCTAssertTrue(notLast.contains("stages[0].lora: a LoRA stage must be the run's last stage"), notLast)
        let badTarget = errors("  - {name: a, data: code.yaml, steps: 2, lora: {targets: [q_proj, lm_head]}}")
        XCTAssertTrue(badTarget.contains("run.yaml:6:") && badTarget.contains("lm_head"), badTarget)
        let orphan = errors("  - {name: a, data: code.yaml, steps: 2, base_precision: q4}")
        XCTAssertTrue(orphan.contains("base_precision applies to a LoRA stage"), orphan)
        let badRank = errors("  - {name: a, data: code.yaml, steps: 2, lora: {rank: 0, colour: red}}")
        XCTAssertTrue(badRank.contains("rank") && badRank.contains("colour"), badRank)
    }

    func testAdapterCheckpointsAndExactResumeWithDropoutOnAQuantizedBase() throws {
        let c = try config(loraStage)
        let baseDir = dir.appendingPathComponent("base")
        let baseHash = try SHA256Digest.hex(fileAt: baseDir.appendingPathComponent("model.safetensors"))
        guard case .initFrom = c.model, let lora = c.stages[0].lora else { return XCTFail("config") }

        // Uninterrupted: the adapters drawn before the trainer starts (as `TrainingSession.start` does).
        var rng = SeededGenerator(seed: c.seed)
        let model = try MistralModel.loadLoRA(base: baseDir, settings: lora, generator: &rng)
        let whole = try losses(try trainer(c, model: model, rng: rng, checkpoints: dir.appendingPathComponent("whole")))
        XCTAssertEqual(whole.keys.sorted(), Array(1...10))
        XCTAssertLessThan(whole[10]!, whole[1]!, "the adapters learn")

        let end = dir.appendingPathComponent("whole/stage-a")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: end.path)),
                       ["config.json", "adapter_config.json", "adapter_model.safetensors", "base_model.json", "optimizer.safetensors", "state.json"])
        let moments = try SafeTensorsFile(contentsOf: end.appendingPathComponent("optimizer.safetensors"))
        XCTAssertEqual(moments.names.count, 2 * 2 * 3 * 2, "exp_avg and exp_avg_sq of A and B of 3 targets in 2 layers, nothing else")
        XCTAssertTrue(moments.names.allSatisfy { $0.hasPrefix("base_model.model.model.layers.") })
        XCTAssertEqual(try LoRACheckpoint.read(end).base.weightsSHA256, baseHash)
        XCTAssertEqual(try SHA256Digest.hex(fileAt: baseDir.appendingPathComponent("model.safetensors")), baseHash, "the base is never written")
        // B moved off zero: the merged model differs from the base.
        let trained = try MistralModel.loadForTraining(checkpoint: end)
        XCTAssertTrue(trained.adapters.contains { $0.b.scalars.contains { $0 != 0 } })

        // Interrupted at step 4 (a full base handed to the trainer: it freezes it and draws the same adapters),
        // then resumed from the latest adapter checkpoint: the same losses, bit for bit.
        let part = dir.appendingPathComponent("part")
        let first = try losses(try trainer(c, model: try MistralModel.load(checkpoint: baseDir), rng: SeededGenerator(seed: c.seed),
                                           checkpoints: part), stopAfterStep: 4)
        let latest = try XCTUnwrap(try CheckpointStore(directory: part).latest())
        XCTAssertEqual(latest.state.position.step, 4)
        let resumed = try trainer(c, model: try MistralModel.loadForTraining(checkpoint: latest.url), rng: SeededGenerator(seed: 99),
                                  resume: latest, checkpoints: part)
        var merged = first.filter { $0.key <= 4 }
        merged.merge(try losses(resumed)) { _, new in new }
        XCTAssertEqual(merged, whole, "losses after a resume must equal the uninterrupted run's exactly")
    }
}
