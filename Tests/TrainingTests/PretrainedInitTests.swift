import Foundation
import Models
import Tokenizer
import Training
import XCTest

/// A run that starts from a pretrained model (`init_from` a GGUF file) trains that model with its own
/// tokenizer: no tokenizer is given or trained, the run's tokenizer is the file's, and the checkpoints are
/// the model's family (`model_type` llama) with that tokenizer beside them.
final class PretrainedInitTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try EvalRunFixture.makeDirectory(prefix: "pretrained-init")
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// `Tests/ModelsTests/Fixtures/llama_tiny_gguf/model.gguf`: a tiny random Llama with a 96-token tokenizer.
    static let gguf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures/llama_tiny_gguf/model.gguf")

    func testInitFromGGUFTrainsWithTheModelsOwnTokenizer() throws {
        let config = try RunConfig.parse("""
        name: pretrained
        seed: 5
        threads: 1
        model: {init_from: \(Self.gguf.path)}
        stages:
          - {name: a, objective: completion, data: events.jsonl, steps: 2, batch_size: 2, context: 8, val_batches: 1}
        """, file: dir.appendingPathComponent("run.yaml"))
        let session = try TrainingSession.start(config: config, runsDir: dir.appendingPathComponent("Runs"),
                                                completionData: { stage, tokenizer, seed in
            // The stage is handed the model's tokenizer, written in codetune's form.
            XCTAssertEqual(try BPETokenizer(contentsOf: tokenizer).contentHash,
                           try BPETokenizer(modelAt: Self.gguf).contentHash)
            return SyntheticData(vocab: 32, context: stage.context, batchSize: stage.batchSize, seed: seed)
        })
        let result = try session.run()
        XCTAssertEqual(result.outcome, .completed)
        let checkpoint = session.run.checkpoints.url.appendingPathComponent("stage-a")
        let (saved, _) = try Checkpoint.read(directory: checkpoint)
        let (original, _) = try Checkpoint.read(gguf: Self.gguf)
        XCTAssertEqual(saved, original)   // same family and shape: llama, rope θ 50000, 2 kv heads
        XCTAssertEqual(try BPETokenizer(contentsOf: checkpoint.appendingPathComponent("tokenizer.json")).contentHash,
                       try BPETokenizer(modelAt: Self.gguf).contentHash)
    }
}
