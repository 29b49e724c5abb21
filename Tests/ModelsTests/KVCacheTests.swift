import Autograd
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// Decoding with a KV cache (prefill, then one token at a time) must give the logits of the full forward.
final class KVCacheTests: XCTestCase {
    /// Float32, different summation orders (prefill of 5 vs full 16): |Δ| stays around 1e-6 on logits of
    /// size ~4, a few 1e-6 relative to the largest logit on wider models. Checked relative to the
    /// largest |logit| of the full forward (at least 1), so it is as strict as an absolute 2e-5 on ~4.
    static let relativeTolerance: Float = 5e-6

    func check(config: MistralConfig, batch: Int, length: Int, prefill: Int, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let model = MistralModel(config: config, generator: &rng)
        // Larger weights than the 0.02 init, so attention is far from uniform and positions matter.
        for p in model.parameters where p.rank == 2 { for i in 0..<p.count { p.data[i] *= 10 } }
        let ids = (0..<(batch * length)).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
        let tape = Tape(recording: false)
        let full = model.logits(tape, ids: ids, batch: batch, length: length)   // [B, T, V]
        let v = config.vocabSize
        let tolerance = Self.relativeTolerance * max(1, full.scalars.reduce(0) { max($0, abs($1)) })

        let cache = KVCache(config: config, batch: batch, capacity: length)
        func rows(_ t0: Int, _ t1: Int) -> [Int32] {
            (0..<batch).flatMap { b in ids[(b * length + t0)..<(b * length + t1)] }
        }
        var worst: Float = 0
        func compare(_ got: UnsafeBufferPointer<Float>, position t: Int) {
            for b in 0..<batch {
                for j in 0..<v { worst = max(worst, abs(got[b * v + j] - full.data[(b * length + t) * v + j])) }
            }
        }
        compare(try model.advance(cache, ids: rows(0, prefill), length: prefill), position: prefill - 1)
        for t in prefill..<length {
            compare(try model.advance(cache, ids: rows(t, t + 1), length: 1), position: t)
        }
        XCTAssertEqual(cache.length, length)
        XCTAssertLessThanOrEqual(worst, tolerance, "KV-cache logits differ from the full forward by \(worst)")
        print("kv-cache (window \(config.slidingWindow.map(String.init) ?? "none"), batch \(batch)): max |Δ| \(worst)")

        // Full cache: one more token is an error, not a trap.
        XCTAssertThrowsError(try model.advance(cache, ids: [Int32](repeating: 0, count: batch), length: 1))
        // After reset the cache decodes a new prompt from position 0.
        cache.reset()
        let again = try model.advance(cache, ids: rows(0, length), length: length)
        compare(again, position: length - 1)
        XCTAssertLessThanOrEqual(worst, tolerance)
    }

    func testCachedDecodingMatchesFullForward() throws {
        let config = MistralConfig(vocabSize: 50, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 64)
        try check(config: config, batch: 2, length: 16, prefill: 5, seed: 7)
    }

    func testCachedDecodingMatchesFullForwardWithSlidingWindow() throws {
        let config = MistralConfig(vocabSize: 50, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 1, maxPositionEmbeddings: 64, slidingWindow: 3)
        try check(config: config, batch: 3, length: 12, prefill: 4, seed: 8)
    }

    /// Batch 1 decodes through sgemv (one row per call), and a prompt this wide is large enough that
    /// the prefill projections are split over the worker threads: both must match the full forward.
    func testBatchOneDecodingAndSplitPrefillMatchFullForward() throws {
        let config = MistralConfig(vocabSize: 300, hiddenSize: 128, intermediateSize: 512, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 96)
        try check(config: config, batch: 1, length: 80, prefill: 64, seed: 9)
    }

    /// Prefill once with batch 1, replicate into a batch of 3, decode 3 different continuations:
    /// each must match the full forward of its own sequence.
    func testReplicatedPrefillMatchesFullForward() throws {
        let config = MistralConfig(vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 32, slidingWindow: 4)
        var rng = SeededGenerator(seed: 11)
        let model = MistralModel(config: config, generator: &rng)
        for p in model.parameters where p.rank == 2 { for i in 0..<p.count { p.data[i] *= 10 } }
        let prompt: [Int32] = [3, 9, 1, 27, 5, 5]
        let continuations: [[Int32]] = [[1, 2, 3], [7, 7, 7], [39, 0, 12]]
        let one = KVCache(config: config, batch: 1, capacity: 16)
        try model.advance(one, ids: prompt, length: prompt.count)
        let many = KVCache(config: config, batch: 3, capacity: 16)
        many.replicate(one)
        XCTAssertEqual(many.length, prompt.count)
        XCTAssertEqual(Array(many.lastLogits[80..<120]), Array(one.lastLogits))
        for step in 0..<3 {
            try model.advance(many, ids: continuations.map { $0[step] }, length: 1)
        }
        let tape = Tape(recording: false)
        let ids = continuations.flatMap { prompt + $0 }
        let full = model.logits(tape, ids: ids, batch: 3, length: 9)
        var worst: Float = 0
        for b in 0..<3 { for j in 0..<40 { worst = max(worst, abs(many.lastLogits[b * 40 + j] - full.data[(b * 9 + 8) * 40 + j])) } }
        XCTAssertLessThanOrEqual(worst, Self.relativeTolerance * max(1, full.scalars.reduce(0) { max($0, abs($1)) }))
    }

    func testRejectsOutOfVocabularyIds() throws {
        let config = MistralConfig(vocabSize: 10, hiddenSize: 8, intermediateSize: 8, numHiddenLayers: 1,
                                   numAttentionHeads: 2, numKeyValueHeads: 2, maxPositionEmbeddings: 8)
        var rng = SeededGenerator(seed: 1)
        let model = MistralModel(config: config, generator: &rng)
        let cache = KVCache(config: config)
        XCTAssertThrowsError(try model.advance(cache, ids: [3, 10], length: 2))
        XCTAssertThrowsError(try model.advance(cache, ids: [-1], length: 1))
        XCTAssertEqual(cache.length, 0)
    }

    /// transformers' init: matrices N(0, 0.02²), norms 1; the same seed gives the same model.
    func testInitialisationLikeTransformers() {
        let config = MistralConfig(vocabSize: 512, hiddenSize: 128, intermediateSize: 256, numHiddenLayers: 2,
                                   numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 64, padTokenId: 3)
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let m1 = MistralModel(config: config, generator: &a), m2 = MistralModel(config: config, generator: &b)
        for (spec, p) in zip(m1.parameterSpecs, m1.parameters) {
            if spec.shape.count == 1 {
                XCTAssertTrue(p.scalars.allSatisfy { $0 == 1 }, spec.name)
            } else if p.count > 10_000 {
                let mean = p.scalars.reduce(0.0) { $0 + Double($1) } / Double(p.count)
                let std = (p.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(p.count)).squareRoot()
                XCTAssertEqual(mean, 0, accuracy: 0.001, spec.name)
                XCTAssertEqual(std, 0.02, accuracy: 0.0005, spec.name)
            }
        }
        XCTAssertEqual(m1.parameters[5].scalars, m2.parameters[5].scalars)
        XCTAssertEqual(Array(m1.parameters[0].scalars[(3 * 128)..<(4 * 128)]), [Float](repeating: 0, count: 128), "pad row zeroed")
        XCTAssertEqual(m1.decayFlags.filter { $0 }.count, 2 * 7)
        let reference = MistralConfig.reference
        XCTAssertEqual(reference.parameterCount, 4096 * 256 + 4 * (2 * 256 + 256 * 256 * 2 + 128 * 256 * 2 + 3 * 256 * 768) + 256)
    }
}
