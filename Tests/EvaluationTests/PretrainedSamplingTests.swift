@testable import Evaluation
import FileFormats
import Foundation
import Models
import Problems
import XCTest

/// Sampling a pretrained model: a GGUF file loads with its own tokenizer and end-of-sequence ids, greedy
/// decoding equals `transformers`' on the file (`Tests/ModelsTests/Fixtures/make_llama_fixtures.py`), and
/// every id of a config's `eos_token_id` list ends a sample.
final class PretrainedSamplingTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures/llama_tiny_gguf")

    func greedy(maxNewTokens: Int) -> SamplingSettings {
        var s = SamplingSettings()
        s.temperature = 0
        s.maxNewTokens = maxNewTokens
        s.stop = []
        return s
    }

    func testGGUFSamplesGreedilyAsTransformersAndStopsOnItsEndOfSequenceIds() throws {
        let sampler = try ModelSampler(checkpoint: Self.fixture.appendingPathComponent("model.gguf"))
        XCTAssertEqual(sampler.model.config.modelType, "llama")
        XCTAssertTrue(sampler.endIds.contains(2), "tokenizer.ggml.eos_token_id ends a sample")
        let expected = try SafeTensorsFile(contentsOf: Self.fixture.appendingPathComponent("expected.safetensors"))
        let prompt = try expected.integers("prompt").map { Int32($0) }
        let reference = try expected.integers("greedy").map { Int32($0) }
        XCTAssertFalse(reference.contains { sampler.endIds.contains($0) }, "fixture: no end-of-sequence id in the greedy run")
        let g = try sampler.generate(promptTokens: prompt, n: 1, settings: greedy(maxNewTokens: reference.count), seed: 1)
        XCTAssertEqual(g.tokens[0], reference)
        XCTAssertEqual(g.finishReasons, [.length])

        // A second end-of-sequence id (a config's eos_token_id list) stops the same run where it first appears.
        let stopAt = 5
        var config = sampler.model.config
        config.additionalEosTokenIds = [Int(reference[stopAt])]
        let weights = sampler.model.parameters.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
        let stopping = try ModelSampler(model: MistralModel(config: config, weights: weights), tokenizer: sampler.tokenizer)
        let first = reference.firstIndex(of: reference[stopAt])!
        let s = try stopping.generate(promptTokens: prompt, n: 1, settings: greedy(maxNewTokens: reference.count), seed: 1)
        XCTAssertEqual(s.tokens[0], Array(reference[...first]))
        XCTAssertEqual(s.finishReasons, [.endOfText])
    }
}
