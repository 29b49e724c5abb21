import Autograd
@testable import Evaluation
import FileFormats
import Foundation
import Models
import Problems
import SeededRandom
import Tokenizer
import XCTest

/// The KV-cache sampler against a full forward of a tiny random model, its seeding, top-k / top-p and stops.
final class SamplerTests: XCTestCase {
    static let tokenizer = TinyCheckpoint.tokenizer()
    /// Read-only after it is made (the sampler never writes the model's weights).
    nonisolated(unsafe) static let model = TinyCheckpoint.model(vocabSize: tokenizer.vocabularySize)
    let prompt = "def add_3(a, b):\n    return"

    func sampler() throws -> ModelSampler { try ModelSampler(model: Self.model, tokenizer: Self.tokenizer) }

    func settings(temperature: Double, topP: Double = 1, topK: Int = 0, maxNewTokens: Int = 24, stop: [String] = []) -> SamplingSettings {
        var s = SamplingSettings()
        s.temperature = temperature
        s.topP = topP
        s.topK = topK
        s.maxNewTokens = maxNewTokens
        s.stop = stop
        return s
    }

    /// Logits of the full (uncached) forward after `ids`, [V].
    func fullForwardLogits(_ ids: [Int32]) -> [Float] {
        let tape = Tape(recording: false)
        let logits = Self.model.logits(tape, ids: ids, batch: 1, length: ids.count)
        let v = Self.model.config.vocabSize
        return Array(UnsafeBufferPointer(start: logits.data + (ids.count - 1) * v, count: v))
    }

    func testGreedyEqualsArgmaxOfFullForwardStepByStep() throws {
        let promptIds = Self.tokenizer.encode(prompt)
        for n in [1, 3] {
            let g = try sampler().generate(prompt: prompt, n: n, settings: settings(temperature: 0), seed: 1)
            XCTAssertEqual(g.promptTokens, promptIds.count)
            for j in 0..<n {
                XCTAssertEqual(g.tokens[j], g.tokens[0], "greedy samples of one prompt must agree")
                var ids = promptIds
                for token in g.tokens[j] {
                    let logits = fullForwardLogits(ids)
                    XCTAssertEqual(token, logits.withUnsafeBufferPointer { TokenSampler.argmax($0.baseAddress!, count: $0.count) })
                    ids.append(token)
                }
            }
            XCTAssertGreaterThan(g.tokens[0].count, 3, "the test needs a few decoding steps")
            let ends = g.finishReasons[0] == .endOfText ? 1 : 0
            XCTAssertEqual(g.completions[0], Self.tokenizer.decode(g.tokens[0].dropLast(ends)))
        }
    }

    /// Greedy decoding equals `transformers`' `generate(do_sample=False)` with its KV cache, on the ModelsTests
    /// checkpoints (one with a sliding window shorter than the sequence). Fixture: Fixtures/make_greedy_fixture.py.
    func testGreedyMatchesTransformersGenerate() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let fixture = here.appendingPathComponent("Fixtures/greedy.json")
        let models = here.deletingLastPathComponent().appendingPathComponent("ModelsTests/Fixtures")
        let data = try Data(contentsOf: fixture)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(root["transformers_generate"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            let name = try XCTUnwrap(c["checkpoint"] as? String)
            let prompt = try XCTUnwrap(c["prompt"] as? [Int]).map(Int32.init)
            let expected = try XCTUnwrap(c["generated"] as? [Int]).map(Int32.init)
            var (config, weights) = try Checkpoint.read(directory: models.appendingPathComponent(name))
            config.eosTokenId = nil   // the fixture generates a fixed number of tokens
            let model = MistralModel(config: config, weights: weights)
            let bytes = try BPETokenizer(vocabulary: (0..<config.vocabSize).map { [UInt8($0)] }, merges: [], addedTokens: [])
            let sampler = try ModelSampler(model: model, tokenizer: bytes)
            for n in [1, 2] {
                let g = try sampler.generate(promptTokens: prompt, n: n, settings: settings(temperature: 0, maxNewTokens: expected.count), seed: 0)
                for j in 0..<n { XCTAssertEqual(g.tokens[j], expected, "\(name) prompt \(prompt) sample \(j) of \(n)") }
            }
        }
    }

    /// The kept set and probabilities of temperature → top-k → top-p equal `transformers`' warpers
    /// (TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper) on random logits.
    func testWarpersMatchTransformers() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/greedy.json")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        let cases = try XCTUnwrap(root["transformers_warpers"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let logits = try XCTUnwrap(c["logits"] as? [Double]).map(Float.init)
            let s = settings(temperature: try XCTUnwrap(c["temperature"] as? Double), topP: try XCTUnwrap(c["top_p"] as? Double),
                             topK: try XCTUnwrap(c["top_k"] as? Int))
            let kept = try XCTUnwrap(c["kept"] as? [Int])
            let probabilities = try XCTUnwrap(c["probabilities"] as? [Double])
            var sampler = TokenSampler(vocabularySize: logits.count)
            let got = logits.withUnsafeBufferPointer { sampler.distribution($0.baseAddress!, settings: s) }
            XCTAssertEqual(got.map { Int($0.id) }.sorted(), kept, "\(s)")
            let byId = Dictionary(uniqueKeysWithValues: got.map { (Int($0.id), $0.probability) })
            for (id, p) in zip(kept, probabilities) { XCTAssertEqual(byId[id] ?? -1, p, accuracy: 1e-5, "id \(id), \(s)") }
        }
    }

    func testSameSeedSameSamplesAndSeedsDiffer() throws {
        let s = settings(temperature: 1, topP: 0.95)
        let a = try sampler().generate(prompt: prompt, n: 4, settings: s, seed: 7)
        let reused = try sampler()
        _ = try reused.generate(prompt: "class Box", n: 2, settings: s, seed: 99)   // caches hold another prompt first
        let b = try reused.generate(prompt: prompt, n: 4, settings: s, seed: 7)
        XCTAssertEqual(a.tokens, b.tokens)
        XCTAssertEqual(a.completions, b.completions)
        XCTAssertGreaterThan(Set(a.tokens).count, 1, "samples of one seed should differ from each other")
        let c = try sampler().generate(prompt: prompt, n: 4, settings: s, seed: 8)
        XCTAssertNotEqual(a.tokens, c.tokens)
    }

    func testTopK1EqualsGreedy() throws {
        let greedy = try sampler().generate(prompt: prompt, n: 2, settings: settings(temperature: 0), seed: 0)
        let top1 = try sampler().generate(prompt: prompt, n: 2, settings: settings(temperature: 1.5, topP: 0.5, topK: 1), seed: 5)
        XCTAssertEqual(greedy.tokens, top1.tokens)
    }

    /// Every sampled token, replayed against the full forward with the sample's own generator, is the token
    /// the sampler drew: rows that finish early and the batch shrinking (6 → 4 → 2 → 1) do not mix samples up.
    func testSamplesReplayAgainstFullForwardWhileTheBatchShrinks() throws {
        let s = settings(temperature: 1, topP: 0.9, topK: 50, maxNewTokens: 20, stop: ["b", "class"])
        let seed: UInt64 = 21
        let g = try sampler().generate(prompt: prompt, n: 6, settings: s, seed: seed)
        print("replay: tokens per sample \(g.generatedTokens), \(g.finishReasons.map(\.rawValue))")
        XCTAssertGreaterThan(Set(g.generatedTokens).count, 2, "samples should finish at different steps")
        var tokenSampler = TokenSampler(vocabularySize: Self.model.config.vocabSize)
        for j in 0..<6 {
            var rng = SeededGenerator(seed: sampleSeed(seed, index: j))
            var ids = Self.tokenizer.encode(prompt)
            for token in g.tokens[j] {
                let logits = fullForwardLogits(ids)
                let replayed = logits.withUnsafeBufferPointer { tokenSampler.sample($0.baseAddress!, settings: s, rng: &rng) }
                XCTAssertEqual(replayed, token, "sample \(j) step \(ids.count)")
                ids.append(token)
            }
        }
    }

    func testTopPKeepsTheSmallestSetWithMassAtLeastP() {
        // Probabilities 0.05, 0.5, 0.15, 0.3 at ids 0...3 (temperature 1).
        let probabilities: [Float] = [0.05, 0.5, 0.15, 0.3]
        let logits = probabilities.map { log($0) }
        var sampler = TokenSampler(vocabularySize: 4)
        func kept(_ p: Double, k: Int = 0) -> [Int32] {
            logits.withUnsafeBufferPointer { sampler.distribution($0.baseAddress!, settings: settings(temperature: 1, topP: p, topK: k)).map(\.id) }
        }
        XCTAssertEqual(kept(0.4), [1])
        XCTAssertEqual(kept(0.5), [1])          // 0.5 ≥ 0.5: one token is enough
        XCTAssertEqual(kept(0.79), [1, 3])
        XCTAssertEqual(kept(0.81), [1, 3, 2])
        XCTAssertEqual(kept(0.96), [1, 3, 2, 0])
        XCTAssertEqual(kept(1), [1, 3, 2, 0])
        // Top-k first, then top-p relative to the k kept: k 2 has mass 0.8; 0.7 of it (0.56) needs both.
        XCTAssertEqual(kept(0.7, k: 2), [1, 3])
        XCTAssertEqual(kept(0.6, k: 2), [1])     // 0.5 ≥ 0.48
        XCTAssertEqual(kept(1, k: 3), [1, 3, 2])
        let d = logits.withUnsafeBufferPointer { sampler.distribution($0.baseAddress!, settings: settings(temperature: 1, topP: 0.79)) }
        XCTAssertEqual(d[0].probability, 0.625, accuracy: 1e-6)
        XCTAssertEqual(d[1].probability, 0.375, accuracy: 1e-6)

        // Drawing follows the kept set and its renormalised probabilities.
        var rng = SeededGenerator(seed: 4)
        var counts = [Int](repeating: 0, count: 4)
        let s = settings(temperature: 1, topP: 0.79)
        for _ in 0..<8000 { counts[Int(logits.withUnsafeBufferPointer { sampler.sample($0.baseAddress!, settings: s, rng: &rng) })] += 1 }
        XCTAssertEqual(counts[0] + counts[2], 0)
        XCTAssertEqual(Double(counts[1]) / 8000, 0.625, accuracy: 0.03)
        // Plain temperature sampling (no top-k, no top-p) follows the softmax.
        counts = [0, 0, 0, 0]
        for _ in 0..<8000 { counts[Int(logits.withUnsafeBufferPointer { sampler.sample($0.baseAddress!, settings: settings(temperature: 1), rng: &rng) })] += 1 }
        for i in 0..<4 { XCTAssertEqual(Double(counts[i]) / 8000, Double(probabilities[i]), accuracy: 0.03) }
    }

    func testGreedyPicksTheFirstOfEqualMaxima() {
        let logits: [Float] = [0, 3, 1, 3]
        var sampler = TokenSampler(vocabularySize: 4)
        var rng = SeededGenerator(seed: 0)
        XCTAssertEqual(logits.withUnsafeBufferPointer { sampler.sample($0.baseAddress!, settings: settings(temperature: 0), rng: &rng) }, 1)
        XCTAssertEqual(logits.withUnsafeBufferPointer { sampler.sample($0.baseAddress!, settings: settings(temperature: 2, topK: 1), rng: &rng) }, 1)
    }

    func testStopSequencesTruncateAcrossTokens() {
        var s = settings(temperature: 0, stop: ["\ndef", "\n#"])
        var state = DecodeState(n: 1, settings: s, seed: 0, maxBytes: 64)
        XCTAssertFalse(state.append(0, bytes: Array("    return 1".utf8), to: 0))
        XCTAssertFalse(state.append(0, bytes: Array("\nd".utf8), to: 0))
        XCTAssertTrue(state.append(0, bytes: Array("ef g".utf8), to: 0))   // "\ndef" spans three tokens
        XCTAssertEqual(state.completions(), ["    return 1"])
        s.stop = ["b", "ab"]   // the earliest occurrence wins, not the first stop listed
        state = DecodeState(n: 1, settings: s, seed: 0, maxBytes: 64)
        XCTAssertTrue(state.append(0, bytes: Array("xab".utf8), to: 0))
        XCTAssertEqual(state.completions(), ["x"])
    }

    /// A model run: cutting at a stop found in the unstopped greedy completion gives its prefix.
    func testStopSequencesTruncateModelCompletions() throws {
        let free = try sampler().generate(prompt: prompt, n: 1, settings: settings(temperature: 0, maxNewTokens: 40), seed: 0)
        let text = free.completions[0]
        let chars = Array(text)
        guard let i = (2..<max(2, chars.count - 1)).first(where: { chars[$0].isASCII && chars[$0 + 1].isASCII }) else {
            throw XCTSkip("the greedy completion has no two ASCII characters in a row: \(text.debugDescription)")
        }
        let stop = String(chars[i...i + 1])
        let cut = try sampler().generate(prompt: prompt, n: 2, settings: settings(temperature: 0, maxNewTokens: 40, stop: [stop]), seed: 0)
        XCTAssertEqual(cut.completions, [truncateAtStop(text, stops: [stop]), truncateAtStop(text, stops: [stop])])
        XCTAssertEqual(cut.finishReasons, [.stop, .stop])
        XCTAssertLessThan(cut.generatedTokens[0], free.generatedTokens[0])
    }

    /// An end id ends a sample and is not part of the completion: make the greedy first token the
    /// config's `eos_token_id`, and every sample ends at once.
    func testEndTokenEndsASample() throws {
        let first = try sampler().generate(prompt: prompt, n: 1, settings: settings(temperature: 0), seed: 0).tokens[0][0]
        var config = Self.model.config
        config.eosTokenId = Int(first)
        let weights = Self.model.parameters.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
        let forced = try ModelSampler(model: MistralModel(config: config, weights: weights), tokenizer: Self.tokenizer)
        XCTAssertTrue(forced.endIds.contains(Self.tokenizer.id(ofSpecial: BPETokenizer.endOfText)!))
        let g = try forced.generate(prompt: prompt, n: 3, settings: settings(temperature: 0), seed: 0)
        XCTAssertEqual(g.completions, ["", "", ""])
        XCTAssertEqual(g.finishReasons, [.endOfText, .endOfText, .endOfText])
        XCTAssertEqual(g.generatedTokens, [1, 1, 1])
    }

    func testLongPromptIsLeftTruncatedAndTheContextEndsSamples() throws {
        let long = String(repeating: "print(add_1(1, 2))\n", count: 30)
        let s = settings(temperature: 0, maxNewTokens: 1000)
        let sampler = try sampler()
        let g = try sampler.generate(prompt: long, n: 2, settings: s, seed: 0)
        let context = Self.model.config.maxPositionEmbeddings
        XCTAssertEqual(g.promptTokens, sampler.promptBudget(maxNewTokens: 1000))
        XCTAssertEqual(g.promptTokens, context - context / 2)
        XCTAssertEqual(g.droppedPromptTokens, Self.tokenizer.encode(long).count - g.promptTokens)
        if g.finishReasons[0] == .context {
            // Every position of the context is used: the last sampled token is the only one not fed.
            XCTAssertEqual(g.promptTokens + g.generatedTokens[0] - 1, context)
        }
        XCTAssertLessThanOrEqual(g.promptTokens + g.generatedTokens[0] - 1, context)
    }

    func testCheckpointDirectoryLoadsAndBadOnesAreInputErrors() throws {
        let dir = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try ModelSampler(checkpoint: dir)
        let s = settings(temperature: 0)
        XCTAssertEqual(try loaded.generate(prompt: prompt, n: 1, settings: s, seed: 0).tokens,
                       try sampler().generate(prompt: prompt, n: 1, settings: s, seed: 0).tokens)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("tokenizer.json"))
        XCTAssertThrowsError(try ModelSampler(checkpoint: dir)) {
            XCTAssertTrue(($0 as? InputError)?.description.contains("tokenizer.json") ?? false, "\($0)")
        }
        let small = TinyCheckpoint.model(vocabSize: 100)
        XCTAssertThrowsError(try ModelSampler(model: small, tokenizer: Self.tokenizer)) {
            XCTAssertTrue("\($0)".contains("vocabulary is 100"), "\($0)")
        }
        XCTAssertThrowsError(try sampler().generate(prompt: prompt, n: 0, settings: s, seed: 0))
    }

    /// `bench sampling`'s measurement on a tiny shape: exactly `newTokens` per sample, the decoding settings echoed.
    func testSamplingBenchmarkDecodesExactlyTheAskedTokens() throws {
        let config = MistralConfig(vocabSize: 300, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 32)
        var decoding = SamplingBenchmark.defaultSettings
        decoding.topK = 5
        let r = try SamplingBenchmark.run(config: config, n: 2, promptTokens: 4, newTokens: 3, decoding: decoding, repeats: 1)
        XCTAssertEqual(r.new_tokens, 3)
        XCTAssertEqual(r.prompt_tokens, 4)
        XCTAssertEqual([r.temperature, r.top_p], [0.8, 0.95])
        XCTAssertEqual(r.top_k, 5)
    }

    func testSeedsAreStablePerTaskAndIndex() {
        XCTAssertEqual(taskSeed(0, taskID: "HumanEval/0"), taskSeed(0, taskID: "HumanEval/0"))
        XCTAssertNotEqual(taskSeed(0, taskID: "HumanEval/0"), taskSeed(0, taskID: "HumanEval/1"))
        XCTAssertNotEqual(taskSeed(0, taskID: "HumanEval/0"), taskSeed(1, taskID: "HumanEval/0"))
        XCTAssertNotEqual(sampleSeed(5, index: 0), sampleSeed(5, index: 1))
        // Pinned from the code before the SplitMix64 mix moved to SeededRandom: every sample's stream hangs on these.
        XCTAssertEqual(sampleSeed(0, index: 0), 0xBFDA_6C16_3027_1E37)
        XCTAssertEqual(sampleSeed(42, index: 3), 0xE84E_2118_E48D_8929)
        XCTAssertEqual(taskSeed(0, taskID: "HumanEval/0"), 0x1F22_CDD5_9DF6_FBF2)
        XCTAssertEqual(taskSeed(1234, taskID: "x"), 0x5619_7513_CE7B_13CD)
        XCTAssertEqual(ModelSampler.batchSize(for: 5, of: 6), 6)
        XCTAssertEqual(ModelSampler.batchSize(for: 3, of: 6), 4)
        XCTAssertEqual(ModelSampler.batchSize(for: 1, of: 6), 1)
        XCTAssertEqual(ModelSampler.batchSize(for: 9, of: 20), 16)
    }
}
