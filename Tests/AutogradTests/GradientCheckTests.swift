// A finite-difference gradient check for every op.

import XCTest
@testable import Autograd

final class GradientCheckTests: XCTestCase {
    /// Float32 forward with h = 1e-2: errors of a correct backward stay around 1e-3; a wrong term gives O(1).
    let tolerance = 2e-2

    private func check(_ op: String, _ inputs: [Tensor], step: Float = 1e-2,
                       file: StaticString = #filePath, line: UInt = #line, _ build: (Tape, [Tensor]) -> Tensor) {
        let err = gradientCheckError(inputs: inputs, step: step, build: build)
        GradientCheckLog.report(op, err)
        XCTAssertLessThan(err, tolerance, "\(op) gradient check", file: file, line: line)
    }

    func testLinear() {
        check("linear", [randomTensor([2, 3, 5], seed: 1), randomTensor([4, 5], seed: 2)]) { t, x in
            t.linear(x[0], x[1])
        }
    }

    func testMatmulAllTransposes() {
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], seed: 3)
                let b = randomTensor(tb ? [2, 5, 4] : [2, 4, 5], seed: 4)
                check("matmul tA=\(ta) tB=\(tb) batched", [a, b]) { t, x in
                    t.matmul(x[0], x[1], transposeA: ta, transposeB: tb)
                }
                let shared = randomTensor(tb ? [5, 4] : [4, 5], seed: 5)
                check("matmul tA=\(ta) tB=\(tb) shared B", [a, shared]) { t, x in
                    t.matmul(x[0], x[1], transposeA: ta, transposeB: tb)
                }
            }
        }
    }

    func testAddAndBroadcast() {
        check("add", [randomTensor([2, 3, 4], seed: 6), randomTensor([2, 3, 4], seed: 7)]) { t, x in t.add(x[0], x[1]) }
        check("add broadcast", [randomTensor([2, 3, 4], seed: 8), randomTensor([4], seed: 9)]) { t, x in t.add(x[0], x[1]) }
    }

    func testMultiplyAndBroadcast() {
        check("multiply", [randomTensor([2, 3, 4], seed: 10), randomTensor([2, 3, 4], seed: 11)]) { t, x in
            t.multiply(x[0], x[1])
        }
        check("multiply broadcast", [randomTensor([2, 3, 4], seed: 12), randomTensor([3, 4], seed: 13)]) { t, x in
            t.multiply(x[0], x[1])
        }
    }

    func testScaleAndReshape() {
        check("scale", [randomTensor([3, 4], seed: 14)]) { t, x in t.scale(x[0], by: -1.5) }
        check("reshape", [randomTensor([2, 6], seed: 15)]) { t, x in
            // Use the reshaped tensor twice so the backward both aliases and accumulates.
            let r = t.reshape(x[0], [3, -1])
            return t.multiply(r, r)
        }
    }

    func testEmbedding() {
        let ids: [Int32] = [3, 0, 3, 1, 4, 3]
        check("embedding", [randomTensor([5, 4], seed: 16)]) { t, x in
            t.embedding(x[0], ids: ids, batchShape: [2, 3])
        }
    }

    func testRMSNorm() {
        let w = randomTensor([6], seed: 18)
        for i in 0..<6 { w.data[i] += 1 }
        check("rmsNorm", [randomTensor([2, 3, 6], seed: 17), w]) { t, x in
            t.rmsNorm(x[0], weight: x[1], eps: 1e-5)
        }
    }

    func testRotaryEmbedding() {
        check("rotaryEmbedding", [randomTensor([2, 3, 2 * 8], seed: 19)]) { t, x in
            t.rotaryEmbedding(x[0], headDim: 8, theta: 10000, positionOffset: 5)
        }
    }

    func testRotaryTableGrowingMidStep() {
        // The second call needs positions past the cached table, which then moves; the first call's backward
        // must still read the right values.
        check("rotaryEmbedding table growth", [randomTensor([1, 3, 8], seed: 35)]) { t, x in
            let a = t.rotaryEmbedding(x[0], headDim: 4, theta: 500, positionOffset: 2)
            return t.rotaryEmbedding(a, headDim: 4, theta: 500, positionOffset: 1000)
        }
    }

    func testSiLUAndSwiGLU() {
        check("silu", [randomTensor([3, 7], std: 2, seed: 20)]) { t, x in t.silu(x[0]) }
        check("swiglu", [randomTensor([3, 7], std: 2, seed: 21), randomTensor([3, 7], seed: 22)]) { t, x in
            t.swiglu(gate: x[0], up: x[1])
        }
    }

    func testAttentionGQAWindow() {
        // B 2, T 5, 4 query heads, 2 kv heads, head dim 4; with and without a sliding window.
        for window in [nil, 2] as [Int?] {
            let q = randomTensor([2, 5, 16], seed: 23), k = randomTensor([2, 5, 8], seed: 24)
            let v = randomTensor([2, 5, 8], seed: 25)
            check("attention window=\(window.map(String.init) ?? "none")", [q, k, v]) { t, x in
                t.attention(query: x[0], key: x[1], value: x[2], heads: 4, kvHeads: 2, slidingWindow: window)
            }
        }
    }

    func testAttentionWithCacheOffset() {
        // 2 new queries against 6 cached keys of an 8-slot cache (keyLength 6).
        let q = randomTensor([1, 2, 8], seed: 26), k = randomTensor([1, 8, 4], seed: 27)
        let v = randomTensor([1, 8, 4], seed: 28)
        check("attention keyLength", [q, k, v]) { t, x in
            t.attention(query: x[0], key: x[1], value: x[2], heads: 2, kvHeads: 1, slidingWindow: 3, keyLength: 6)
        }
    }

    func testAttentionLongerThanTile() {
        // T 70 > the 64-row tile, so tile boundaries and key ranges across tiles are exercised (checked on q only
        // at a few sizes to stay fast: k and v are covered above).
        let q = randomTensor([1, 70, 4], std: 0.5, seed: 29), k = randomTensor([1, 70, 4], std: 0.5, seed: 30)
        let v = randomTensor([1, 70, 4], seed: 31)
        check("attention T=70 window=40", [q, k, v]) { t, x in
            t.attention(query: x[0], key: x[1], value: x[2], heads: 1, kvHeads: 1, slidingWindow: 40)
        }
    }

    func testCrossEntropy() {
        let targets: [Int32] = [2, -100, 0, 4, -100, 1]
        check("crossEntropy", [randomTensor([2, 3, 5], std: 2, seed: 32)]) { t, x in
            t.crossEntropy(logits: x[0], targets: targets)
        }
    }

    func testSumAndMean() {
        check("sum", [randomTensor([3, 4], seed: 33)]) { t, x in t.sum(x[0]) }
        check("mean", [randomTensor([3, 4], seed: 34)]) { t, x in t.mean(x[0]) }
    }
}

/// Gradient checks through chains of ops, so intermediate gradients are first written by an op (overwrite
/// paths), handed on (reshape, add) and recycled during backward.
final class ComposedGradientCheckTests: XCTestCase {
    func testDecoderBlockChain() {
        // x [1, 6, 8] → rmsNorm → q/k/v → rope → attention (2 heads, 1 kv head, window 4) → o → residual
        // → rmsNorm → swiglu MLP → residual → rmsNorm → reshape → head (matmul with Eᵀ) → cross-entropy.
        let inputs = [randomTensor([1, 6, 8], seed: 80), randomTensor([8], std: 0.1, seed: 81),
                      randomTensor([8, 8], std: 0.4, seed: 82), randomTensor([4, 8], std: 0.4, seed: 83),
                      randomTensor([4, 8], std: 0.4, seed: 84), randomTensor([8, 8], std: 0.4, seed: 85),
                      randomTensor([12, 8], std: 0.4, seed: 86), randomTensor([12, 8], std: 0.4, seed: 87),
                      randomTensor([8, 12], std: 0.4, seed: 88), randomTensor([10, 8], std: 0.4, seed: 89)]
        for i in 0..<8 { inputs[1].data[i] += 1 }
        let targets: [Int32] = [3, 9, -100, 0, 7, 2]
        let err = gradientCheckError(inputs: inputs) { t, p in
            let h = t.rmsNorm(p[0], weight: p[1], eps: 1e-5)
            let q = t.rotaryEmbedding(t.linear(h, p[2]), headDim: 4, theta: 100, positionOffset: 1)
            let k = t.rotaryEmbedding(t.linear(h, p[3]), headDim: 4, theta: 100, positionOffset: 1)
            let a = t.attention(query: q, key: k, value: t.linear(h, p[4]), heads: 2, kvHeads: 1, slidingWindow: 4)
            let x1 = t.add(p[0], t.linear(a, p[5]))
            let h2 = t.rmsNorm(x1, weight: p[1], eps: 1e-5)
            let x2 = t.add(x1, t.linear(t.swiglu(gate: t.linear(h2, p[6]), up: t.linear(h2, p[7])), p[8]))
            let final = t.rmsNorm(x2, weight: p[1], eps: 1e-5)   // first consumer of x2 in backward: overwrite path
            let logits = t.matmul(t.reshape(final, [6, 8]), p[9], transposeB: true)
            return t.scale(t.crossEntropy(logits: logits, targets: targets), by: 1)
        }
        GradientCheckLog.report("decoder block chain", err)
        XCTAssertLessThan(err, 2e-2)
    }

    func testSiLUMultiplySumChain() {
        let err = gradientCheckError(inputs: [randomTensor([3, 5], seed: 90), randomTensor([5], seed: 91)]) { t, p in
            let s = t.silu(t.multiply(p[0], p[1]))
            return t.mean(t.add(t.multiply(s, s), p[0]))
        }
        GradientCheckLog.report("silu/multiply/mean chain", err)
        XCTAssertLessThan(err, 2e-2)
    }
}
