import Autograd
import FileFormats
import Foundation
@testable import Models
import XCTest

/// Loading models people already have: Hugging Face directories of Llama and Qwen2 (with q/k/v biases)
/// and GGUF files (llama.cpp's tensor names, permuted q/k rows, quantized tensors), checked against
/// `transformers` on the fixtures `Fixtures/make_llama_fixtures.py` wrote: logits within fp32 tolerance
/// (as `ParityTests`: max |Δ| ≤ 1e-4) and the 64 tokens of greedy decoding, through the KV-cache decoder.
final class PretrainedLoadingTests: XCTestCase {
    static let logitTolerance: Float = 1e-4

    static func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent(name)
    }

    /// The `count` tokens greedy decoding appends to `prompt`, prefill then one token per step.
    static func greedy(_ model: MistralModel, prompt: [Int32], count: Int) throws -> [Int32] {
        let cache = KVCache(config: model.config, batch: 1, capacity: prompt.count + count)
        var logits = try model.advance(cache, ids: prompt, length: prompt.count)
        var out: [Int32] = []
        while true {
            let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            out.append(next)
            if out.count == count { return out }
            logits = try model.advance(cache, ids: [next], length: 1)
        }
    }

    /// Logits of `model` on the fixture's `input_ids` against its `logits`, and greedy decoding of its
    /// `prompt` against `greedy`; returns the largest logit difference.
    @discardableResult
    func checkAgainstTransformers(_ model: MistralModel, expected: URL, name: String) throws -> Float {
        let file = try SafeTensorsFile(contentsOf: expected)
        let shape = try file.entry("input_ids").shape
        let ids = try file.integers("input_ids").map { Int32($0) }
        let logits = model.logits(Tape(recording: false), ids: ids, batch: shape[0], length: shape[1])
        let reference = try file.floats("logits", shape: logits.shape)
        let worst = zip(logits.scalars, reference).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        XCTAssertLessThanOrEqual(worst, Self.logitTolerance, "\(name): logits differ from transformers' by \(worst)")
        let prompt = try file.integers("prompt").map { Int32($0) }
        let greedy = try file.integers("greedy").map { Int32($0) }
        XCTAssertEqual(try Self.greedy(model, prompt: prompt, count: greedy.count), greedy, "\(name): greedy decoding")
        print("\(name): max |Δ logits| \(worst) vs transformers; greedy \(greedy.count) tokens equal")
        return worst
    }

    func testHuggingFaceLlamaAndQwen2MatchTransformers() throws {
        for name in ["llama_tiny", "qwen2_tiny"] {
            let dir = try Self.fixture(name)
            let model = try MistralModel.load(pretrained: dir)
            XCTAssertEqual(model.config.modelType, name == "llama_tiny" ? "llama" : "qwen2")
            XCTAssertEqual(model.config.qkvBias, name == "qwen2_tiny")
            try checkAgainstTransformers(model, expected: dir.appendingPathComponent("expected.safetensors"), name: name)
        }
    }

    /// Fine-tuning a loaded model: its loss and every gradient (Qwen2's biases included) equal PyTorch's,
    /// with `ParityTests`' tolerances (loss 1e-5; gradients 1e-4 of the tensor's largest).
    func testLossAndGradientsOfLoadedModelsMatchTorch() throws {
        for name in ["llama_tiny", "qwen2_tiny"] {
            let dir = try Self.fixture(name)
            let model = try MistralModel.load(pretrained: dir)
            let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent("expected.safetensors"))
            let shape = try file.entry("input_ids").shape
            let ids = try file.integers("input_ids").map { Int32($0) }
            let targets = try file.integers("targets").map { Int32($0) }
            let tape = Tape()
            let loss = model.loss(tape, ids: ids, targets: targets, batch: shape[0], length: shape[1])
            XCTAssertEqual(loss.item, try file.floats("loss")[0], accuracy: ParityTests.lossTolerance, name)
            tape.backward(loss)
            var biases = 0
            for (spec, p) in zip(model.parameterSpecs, model.parameters) {
                let expected = try file.floats("grad." + spec.name, shape: spec.shape)
                let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
                let err = ParityTests.maxAbsDiff(UnsafeBufferPointer(start: p.grad!, count: p.count), expected)
                XCTAssertLessThanOrEqual(err, ParityTests.gradientRelativeTolerance * scale + 1e-7, "\(name) grad \(spec.name)")
                if spec.name.hasSuffix(".bias") { biases += 1 }
            }
            XCTAssertEqual(biases, name == "qwen2_tiny" ? 6 : 0)
        }
    }

    func testGGUFLlamaMatchesTransformersGGUFLoading() throws {
        let dir = try Self.fixture("llama_tiny_gguf")
        let model = try MistralModel.load(pretrained: dir.appendingPathComponent("model.gguf"))
        XCTAssertEqual(model.config.modelType, "llama")
        XCTAssertEqual(model.config.ropeTheta, 50_000)
        XCTAssertEqual(model.config.numKeyValueHeads, 2)
        try checkAgainstTransformers(model, expected: dir.appendingPathComponent("expected.safetensors"), name: "llama_tiny.gguf")
    }

    func testUnsupportedTensorTypeIsNamed() throws {
        let url = try Self.fixture("llama_tiny_gguf").appendingPathComponent("model_q5_0.gguf")
        XCTAssertThrowsError(try MistralModel.load(pretrained: url)) { error in
            let line = "\(error)"
            XCTAssertTrue(line.contains("blk.0.attn_v.weight") && line.contains("Q5_0"), line)
            XCTAssertFalse(line.contains("\n"), line)
        }
    }

    /// llama.cpp's permutation (as convert_hf_to_gguf.py writes it) followed by `unpermuteRows` is the identity.
    func testUnpermuteUndoesLlamaCppPermutation() {
        let heads = 3, headDim = 4, columns = 2
        let original = (0..<(heads * headDim * columns)).map(Float.init)
        // permute: reshape(heads, 2, headDim/2, columns).swapaxes(1, 2) — stored row (h, i, j) is HF row (h, j, i).
        var stored = original
        for h in 0..<heads { for i in 0..<headDim / 2 { for j in 0..<2 { for c in 0..<columns {
            stored[((h * headDim) + 2 * i + j) * columns + c] = original[((h * headDim) + j * headDim / 2 + i) * columns + c]
        } } } }
        XCTAssertNotEqual(stored, original)
        unpermuteRows(&stored, heads: heads, columns: columns)
        XCTAssertEqual(stored, original)
    }

    func testConfigsOfOtherFamiliesRoundTripUnderTheirOwnType() throws {
        let dir = try Self.fixture("qwen2_tiny")
        let config = try MistralConfig.load(from: dir.appendingPathComponent("config.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: config.jsonData()) as? [String: Any])
        XCTAssertEqual(json["model_type"] as? String, "qwen2")
        XCTAssertEqual(json["architectures"] as? [String], ["Qwen2ForCausalLM"])
        XCTAssertEqual(json["use_sliding_window"] as? Bool, false)
        XCTAssertEqual(try JSONDecoder().decode(MistralConfig.self, from: config.jsonData()), config)
        XCTAssertEqual(MistralConfig.ggufName(of: "model.layers.12.self_attn.q_proj.bias"), "blk.12.attn_q.bias")
        XCTAssertEqual(MistralConfig.ggufName(of: "model.layers.0.post_attention_layernorm.weight"), "blk.0.ffn_norm.weight")
    }

    func testUnsupportedLlamaVariantsAreRefused() throws {
        let base = """
        {"model_type": "llama", "vocab_size": 16, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
         "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 32, "tie_word_embeddings": true
        """
        for (extra, key) in [(", \"attention_bias\": true", "attention_bias"),
                             (", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope_scaling")] {
            XCTAssertThrowsError(try JSONDecoder().decode(MistralConfig.self, from: Data((base + extra + "}").utf8))) {
                XCTAssertTrue("\($0)".contains(key), "\($0)")
            }
        }
        // Llama has no sliding window, whatever the key says.
        let llama = try JSONDecoder().decode(MistralConfig.self, from: Data((base + ", \"sliding_window\": 4}").utf8))
        XCTAssertNil(llama.slidingWindow)
    }
}
