import Autograd
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// The KV-cache decoder with bf16 weights (`setDecodePrecision(.bf16)`) against the bf16 tape's forward
/// (`Tape(precision: .bf16)`), which rounds every product's input to bf16 and sums in Float32 as the decoder
/// does. The model's weights are made bf16-representable first, so the decoder's bf16 copies and the tape's
/// rounding hold exactly the Float32 values and every difference below is summation order (Float32),
/// checked at 2e-5 of the largest |logit| (KVCacheTests' scale):
/// - decoding steps (≤ 4 rows: the bf16 dot-product matrix-vector kernel) at every position;
/// - a prompt's prefill (more rows: one oneDNN product) at each sequence's last position.
final class BF16DecodeTests: XCTestCase {
    static let relativeTolerance: Float = 2e-5
    static let config = MistralConfig(vocabSize: 50, hiddenSize: 40, intermediateSize: 72, numHiddenLayers: 2,
                                      numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 64)

    override func setUpWithError() throws {
        guard BF16Products.isAvailable else {
            throw XCTSkip("bf16 products unavailable here: \(BF16Products.unavailableReason)")
        }
    }

    /// A random model (weights × 10, as KVCacheTests) with every value rounded to bf16.
    func roundedModel(seed: UInt64) -> MistralModel {
        var rng = SeededGenerator(seed: seed)
        let model = MistralModel(config: Self.config, generator: &rng)
        for p in model.parameters {
            for i in 0..<p.count {
                let x = p.rank == 2 ? p.data[i] * 10 : p.data[i]
                p.data[i] = Float(bitPattern: (x.bitPattern &+ 0x7FFF &+ ((x.bitPattern >> 16) & 1)) & 0xFFFF_0000)
            }
        }
        return model
    }

    func testDecodingStepsMatchTheBF16Tape() throws {
        let model = roundedModel(seed: 21)
        let batch = 2, length = 12
        var rng = SeededGenerator(seed: 22)
        let ids = (0..<(batch * length)).map { _ in Int32(rng.next() % UInt64(Self.config.vocabSize)) }
        let tape = Tape(recording: false, precision: .bf16)
        let full = model.logits(tape, ids: ids, batch: batch, length: length)   // [B, T, V]
        model.setDecodePrecision(.bf16)
        XCTAssertEqual(model.decodePrecision, .bf16)
        let cache = KVCache(config: Self.config, batch: batch, capacity: length)
        let v = Self.config.vocabSize
        let scale = max(1, full.scalars.reduce(0) { max($0, abs($1)) })
        var worst: Float = 0
        for t in 0..<length {
            let got = try model.advance(cache, ids: (0..<batch).map { ids[$0 * length + t] }, length: 1)
            for b in 0..<batch {
                for j in 0..<v { worst = max(worst, abs(got[b * v + j] - full.data[(b * length + t) * v + j])) }
            }
        }
        XCTAssertLessThanOrEqual(worst, Self.relativeTolerance * scale, "bf16 decoding steps vs bf16 tape: \(worst)")
        model.setDecodePrecision(.fp32)
        XCTAssertEqual(model.decodePrecision, .fp32)
    }

    func testPrefillMatchesTheBF16Tape() throws {
        let model = roundedModel(seed: 23)
        let batch = 5, length = 6   // 30 prompt rows and 5 head rows: all above the 4-row vector path
        var rng = SeededGenerator(seed: 24)
        let ids = (0..<(batch * length)).map { _ in Int32(rng.next() % UInt64(Self.config.vocabSize)) }
        let tape = Tape(recording: false, precision: .bf16)
        let full = model.logits(tape, ids: ids, batch: batch, length: length)   // [B, T, V]
        model.setDecodePrecision(.bf16)
        let cache = KVCache(config: Self.config, batch: batch, capacity: length)
        let got = try model.advance(cache, ids: ids, length: length)
        let v = Self.config.vocabSize
        let scale = max(1, full.scalars.reduce(0) { max($0, abs($1)) })
        var worst: Float = 0
        for b in 0..<batch {
            for j in 0..<v { worst = max(worst, abs(got[b * v + j] - full.data[(b * length + length - 1) * v + j])) }
        }
        XCTAssertLessThanOrEqual(worst, Self.relativeTolerance * scale, "bf16 prefill vs bf16 tape: \(worst)")
    }
}
