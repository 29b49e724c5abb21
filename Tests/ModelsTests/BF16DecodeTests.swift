import Autograd
import Foundation
@testable import Models
import SeededRandom
import XCTest

/// The KV-cache decoder with bf16 weights (`setDecodePrecision(.bf16)`). The model's weights are made
/// bf16-representable first, so the bf16 copies hold exactly the Float32 values and every difference
/// below is summation order (Float32), checked at 2e-5 of the largest |logit| (KVCacheTests' scale):
/// - decoding steps (≤ 4 rows: bf16 matrix-vector products, x kept in Float32) equal the fp32 decoder's;
/// - a prompt's prefill (more rows: x rounded to bf16, one oneDNN product) equals the bf16 tape's forward,
///   which rounds x the same way.
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

    func testDecodingStepsMatchTheFP32Decoder() throws {
        let model = roundedModel(seed: 21)
        let batch = 2, length = 12
        var rng = SeededGenerator(seed: 22)
        let ids = (0..<(batch * length)).map { _ in Int32(rng.next() % UInt64(Self.config.vocabSize)) }
        func decode(_ precision: MatmulPrecision) throws -> [[Float]] {
            model.setDecodePrecision(precision)
            XCTAssertEqual(model.decodePrecision, precision)
            let cache = KVCache(config: Self.config, batch: batch, capacity: length)
            return try (0..<length).map { t in
                Array(try model.advance(cache, ids: (0..<batch).map { ids[$0 * length + t] }, length: 1))
            }
        }
        let bf16 = try decode(.bf16), fp32 = try decode(.fp32)
        let scale = max(1, fp32.joined().reduce(0) { max($0, abs($1)) })
        let worst = zip(bf16.joined(), fp32.joined()).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        XCTAssertLessThanOrEqual(worst, Self.relativeTolerance * scale, "bf16 decoding steps vs fp32: \(worst)")
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
