import Autograd
import FileFormats
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// config.json with Hugging Face's names, checkpoint directories, and the errors for broken ones.
final class CheckpointTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    static let small = MistralConfig(vocabSize: 20, hiddenSize: 8, intermediateSize: 12, numHiddenLayers: 2,
                                     numAttentionHeads: 2, numKeyValueHeads: 1, maxPositionEmbeddings: 16,
                                     slidingWindow: 6, bosTokenId: 1, eosTokenId: 2)

    func writeConfig(_ json: String) throws -> URL {
        let url = tmp.appendingPathComponent("config.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testConfigRoundTripWithHuggingFaceNames() throws {
        let data = try Self.small.jsonData()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                    "num_key_value_heads", "max_position_embeddings", "rope_theta", "rms_norm_eps", "sliding_window",
                    "tie_word_embeddings", "head_dim", "bos_token_id", "eos_token_id", "torch_dtype", "model_type",
                    "architectures", "rope_parameters"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["model_type"] as? String, "mistral")
        XCTAssertEqual(object["architectures"] as? [String], ["MistralForCausalLM"])
        XCTAssertEqual(object["torch_dtype"] as? String, "float32")
        XCTAssertEqual(object["tie_word_embeddings"] as? Bool, true)
        let url = tmp.appendingPathComponent("config.json")
        try data.write(to: url)
        XCTAssertEqual(try MistralConfig.load(from: url), Self.small)

        // No window is written as an explicit null and read back as nil.
        var noWindow = Self.small
        noWindow.slidingWindow = nil
        try noWindow.jsonData().write(to: url)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("\"sliding_window\" : null"))
        XCTAssertNil(try MistralConfig.load(from: url).slidingWindow)
    }

    func testReadsTransformersFourSpelling() throws {
        let url = try writeConfig("""
            {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "vocab_size": 32, "hidden_size": 16,
             "intermediate_size": 40, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 128, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "sliding_window": 4096,
             "tie_word_embeddings": false, "torch_dtype": "bfloat16", "eos_token_id": [2, 3], "use_cache": true}
            """)
        let c = try MistralConfig.load(from: url)
        XCTAssertEqual(c.ropeTheta, 1_000_000)
        XCTAssertEqual(c.headDim, 4)
        XCTAssertEqual(c.slidingWindow, 4096)
        XCTAssertEqual(c.eosTokenId, 2)
        XCTAssertFalse(c.tieWordEmbeddings)
    }

    func assertConfigError(_ json: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try writeConfig(json)
        XCTAssertThrowsError(try MistralConfig.load(from: url), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(error is InputError || error is InputErrors, file: file, line: line)
            for part in [url.path] + expected {
                XCTAssertTrue(text.contains(part), "\"\(text)\" does not mention \(part)", file: file, line: line)
            }
        }
    }

    func config(_ overrides: String) -> String {
        var base: [String: String] = ["vocab_size": "32", "hidden_size": "16", "intermediate_size": "40",
                                      "num_hidden_layers": "1", "num_attention_heads": "4", "num_key_value_heads": "2",
                                      "max_position_embeddings": "64"]
        for pair in overrides.split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv[1] == "DELETE" { base[kv[0]] = nil } else { base[kv[0]] = kv[1] }
        }
        return "{" + base.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }

    func testBadConfigs() throws {
        try assertConfigError(config("num_attention_heads=3"), ["num_attention_heads", "do not divide hidden_size 16"])
        try assertConfigError(config("num_key_value_heads=3"), ["num_key_value_heads", "do not divide num_attention_heads 4"])
        try assertConfigError(config("vocab_size=0"), ["vocab_size", "must be a positive integer, got 0"])
        try assertConfigError(config("num_hidden_layers=-2"), ["num_hidden_layers", "got -2"])
        try assertConfigError(config("sliding_window=0"), ["sliding_window"])
        try assertConfigError(config("hidden_size=DELETE"), ["hidden_size", "missing"])
        try assertConfigError(config("hidden_size=\"big\""), ["hidden_size", "expected an integer"])
        try assertConfigError(config("rope_theta=-1"), ["rope_theta"])
        try assertConfigError(config("model_type=\"gpt2\""), ["model_type", "gpt2"])
        try assertConfigError(config("eos_token_id=99"), ["eos_token_id", "outside the vocabulary"])
        try assertConfigError("{\"vocab_size\": ", ["not valid JSON"])
        // Several problems are reported together.
        try assertConfigError(config("vocab_size=0, num_key_value_heads=3"), ["vocab_size", "num_key_value_heads"])
    }

    func testCheckpointRoundTripAndErrors() throws {
        var rng = SeededGenerator(seed: 3)
        let model = MistralModel(config: Self.small, generator: &rng)
        let dir = tmp.appendingPathComponent("ckpt")
        try model.save(to: dir) { try Data("{}".utf8).write(to: $0.appendingPathComponent("state.json")) }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)),
                       ["config.json", "model.safetensors", "state.json"])
        let loaded = try MistralModel.load(checkpoint: dir)
        XCTAssertEqual(loaded.config, model.config)
        for (a, b) in zip(loaded.parameters, model.parameters) { XCTAssertEqual(a.scalars, b.scalars) }
        let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("model.safetensors"))
        XCTAssertNil(file.entries["lm_head.weight"], "the head is tied: no lm_head.weight")
        XCTAssertEqual(file.names.count, Self.small.parameterSpecs.count)

        // A failing save leaves the previous checkpoint whole.
        struct Boom: Error {}
        XCTAssertThrowsError(try model.save(to: dir) { _ in throw Boom() })
        XCTAssertNoThrow(try MistralModel.load(checkpoint: dir))

        let weightsPath = dir.appendingPathComponent("model.safetensors").path
        func expectLoadError(_ parts: [String], line: UInt = #line) {
            XCTAssertThrowsError(try MistralModel.load(checkpoint: dir), line: line) { error in
                XCTAssertTrue(error is InputError, "\(error)", line: line)
                for p in parts { XCTAssertTrue("\(error)".contains(p), "\"\(error)\" does not mention \(p)", line: line) }
            }
        }
        // Shape disagreeing with the config: one more layer's worth of width.
        var wider = Self.small
        wider.intermediateSize = 16
        try wider.jsonData().write(to: dir.appendingPathComponent("config.json"))
        expectLoadError([weightsPath, "model.layers.0.mlp.gate_proj.weight", "shape [12, 8] disagrees with the config, which needs [16, 8]"])
        // Fewer layers in the config than in the file: an unexpected tensor.
        var shallow = Self.small
        shallow.numHiddenLayers = 1
        try shallow.jsonData().write(to: dir.appendingPathComponent("config.json"))
        expectLoadError([weightsPath, "model.layers.1.", "unexpected tensor"])
        // More layers in the config than in the file: a missing tensor.
        var deep = Self.small
        deep.numHiddenLayers = 3
        try deep.jsonData().write(to: dir.appendingPathComponent("config.json"))
        expectLoadError([weightsPath, "model.layers.2.input_layernorm.weight", "missing tensor"])
        try Self.small.jsonData().write(to: dir.appendingPathComponent("config.json"))

        // Truncated weights.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weightsPath))
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: weightsPath))
        expectLoadError([weightsPath, "truncated"])
        try FileManager.default.removeItem(atPath: weightsPath)
        expectLoadError([weightsPath, "missing"])
        XCTAssertThrowsError(try MistralModel.load(checkpoint: tmp.appendingPathComponent("nope"))) {
            XCTAssertTrue("\($0)".contains("no such checkpoint directory"))
        }
    }

    func testUntiedHeadIsAcceptedOnlyWhenEqualToTheEmbedding() throws {
        var rng = SeededGenerator(seed: 4)
        let model = MistralModel(config: Self.small, generator: &rng)
        func write(head: [Float]) throws -> URL {
            let dir = tmp.appendingPathComponent("hf")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Self.small.jsonData().write(to: dir.appendingPathComponent("config.json"))
            let specs = Self.small.parameterSpecs
            let values = model.parameters.map(\.scalars) + [head]
            let data = values.withUnsafeBufferPointers { buffers in
                SafeTensorsWriter.data(zip(specs.map { ($0.name, $0.shape) } + [("lm_head.weight", [20, 8])], buffers).map {
                    SafeTensorsWriter.Tensor(name: $0.0, shape: $0.1, values: $1)
                })
            }
            try data.write(to: dir.appendingPathComponent("model.safetensors"))
            return dir
        }
        let same = try write(head: model.parameters[0].scalars)
        XCTAssertNoThrow(try MistralModel.load(checkpoint: same))
        var other = model.parameters[0].scalars
        other[3] += 1
        let differs = try write(head: other)
        XCTAssertThrowsError(try MistralModel.load(checkpoint: differs)) {
            XCTAssertTrue("\($0)".contains("lm_head.weight: differs from model.embed_tokens.weight"), "\($0)")
        }
    }
}

extension Array where Element == [Float] {
    /// Calls `body` with a buffer pointer to each inner array (valid only inside `body`).
    func withUnsafeBufferPointers<R>(_ body: ([UnsafeBufferPointer<Float>]) throws -> R) rethrows -> R {
        func go(_ i: Int, _ acc: [UnsafeBufferPointer<Float>]) throws -> R {
            if i == count { return try body(acc) }
            return try self[i].withUnsafeBufferPointer { try go(i + 1, acc + [$0]) }
        }
        return try go(0, [])
    }
}
