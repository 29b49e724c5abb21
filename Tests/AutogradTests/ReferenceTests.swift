// Ops against naive reference loops: matmul transposes, attention (GQA, window, cache), RoPE layout, CE.

import XCTest
import Foundation
@testable import Autograd

final class ReferenceTests: XCTestCase {
    /// C = op(A)·op(B) for every transpose combination, batched and with a shared 2-D B, against a Double loop.
    func testMatmulMatchesNaiveLoop() {
        let batch = 3, m = 5, k = 7, n = 4
        for ta in [false, true] {
            for tb in [false, true] {
                for shared in [false, true] {
                    let a = randomTensor(ta ? [batch, k, m] : [batch, m, k], seed: 40, requiresGrad: false)
                    let bShape = tb ? [n, k] : [k, n]
                    let b = randomTensor(shared ? bShape : [batch] + bShape, seed: 41, requiresGrad: false)
                    let tape = Tape.inference()
                    let c = tape.matmul(a, b, transposeA: ta, transposeB: tb)
                    XCTAssertEqual(c.shape, [batch, m, n])
                    var expected = [Float]()
                    for bi in 0..<batch {
                        for i in 0..<m {
                            for j in 0..<n {
                                var acc = 0.0
                                for p in 0..<k {
                                    let av = ta ? a.data[bi * k * m + p * m + i] : a.data[bi * m * k + i * k + p]
                                    let bOff = shared ? 0 : bi * k * n
                                    let bv = tb ? b.data[bOff + j * k + p] : b.data[bOff + p * n + j]
                                    acc += Double(av) * Double(bv)
                                }
                                expected.append(Float(acc))
                            }
                        }
                    }
                    assertClose(c.scalars, expected, tolerance: 1e-5, "tA=\(ta) tB=\(tb) shared=\(shared)")
                }
            }
        }
    }

    func testLinearIsXTimesWTransposed() {
        let x = randomTensor([2, 3], seed: 42, requiresGrad: false)
        let w = randomTensor([4, 3], seed: 43, requiresGrad: false)
        let y = Tape.inference().linear(x, w)
        var expected = [Float]()
        for i in 0..<2 { for o in 0..<4 { expected.append((0..<3).reduce(Float(0)) { $0 + x.data[i * 3 + $1] * w.data[o * 3 + $1] }) } }
        XCTAssertEqual(y.shape, [2, 4])
        assertClose(y.scalars, expected, tolerance: 1e-6)
    }

    /// Naive attention: heads repeated as HF's repeat_kv, mask j ≤ p and p − w < j, softmax in Double.
    private func naiveAttention(q: Tensor, k: Tensor, v: Tensor, heads: Int, kvHeads: Int, window: Int?,
                                keyLength: Int) -> [Float] {
        let b = q.shape[0], t = q.shape[1], hd = q.shape[2] / heads, sMax = k.shape[1]
        let group = heads / kvHeads
        var out = [Float](repeating: 0, count: q.count)
        for bi in 0..<b {
            for h in 0..<heads {
                let kh = h / group
                for i in 0..<t {
                    let p = keyLength - t + i
                    var scores = [Double](repeating: -.infinity, count: keyLength)
                    for j in 0..<keyLength where j <= p && (window == nil || j > p - window!) {
                        var dot = 0.0
                        for d in 0..<hd {
                            dot += Double(q.data[(bi * t + i) * heads * hd + h * hd + d])
                                * Double(k.data[(bi * sMax + j) * kvHeads * hd + kh * hd + d])
                        }
                        scores[j] = dot / Double(hd).squareRoot()
                    }
                    let mx = scores.max()!
                    let e = scores.map { exp($0 - mx) }
                    let z = e.reduce(0, +)
                    for d in 0..<hd {
                        var acc = 0.0
                        for j in 0..<keyLength { acc += e[j] / z * Double(v.data[(bi * sMax + j) * kvHeads * hd + kh * hd + d]) }
                        out[(bi * t + i) * heads * hd + h * hd + d] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    func testAttentionMatchesNaiveGQAAndSlidingWindow() {
        // heads 6 / kv 2 → query heads 0,1,2 read kv head 0 and 3,4,5 read kv head 1 (repeat_kv).
        // T 80 spans two 64-row tiles.
        for window in [nil, 1, 3, 30] as [Int?] {
            let q = randomTensor([2, 80, 6 * 4], seed: 44, requiresGrad: false)
            let k = randomTensor([2, 80, 2 * 4], seed: 45, requiresGrad: false)
            let v = randomTensor([2, 80, 2 * 4], seed: 46, requiresGrad: false)
            let got = Tape.inference().attention(query: q, key: k, value: v, heads: 6, kvHeads: 2, slidingWindow: window)
            let want = naiveAttention(q: q, k: k, v: v, heads: 6, kvHeads: 2, window: window, keyLength: 80)
            assertClose(got.scalars, want, tolerance: 2e-5, "window \(String(describing: window))")
        }
    }

    func testAttentionGQAMappingIsNotInterleaved() {
        // If query head h used kv head h % kvHeads instead of h / group, this differs from the naive reference.
        let q = randomTensor([1, 4, 4 * 2], seed: 47, requiresGrad: false)
        let k = randomTensor([1, 4, 2 * 2], seed: 48, requiresGrad: false)
        let v = randomTensor([1, 4, 2 * 2], seed: 49, requiresGrad: false)
        let got = Tape.inference().attention(query: q, key: k, value: v, heads: 4, kvHeads: 2)
        // Head 1 must equal attention of q-head 1 against kv head 0 alone.
        let single = Tape.inference().attention(
            query: Tensor(shape: [1, 4, 2], scalars: (0..<4).flatMap { i in [q.data[i * 8 + 2], q.data[i * 8 + 3]] }),
            key: Tensor(shape: [1, 4, 2], scalars: (0..<4).flatMap { i in [k.data[i * 4], k.data[i * 4 + 1]] }),
            value: Tensor(shape: [1, 4, 2], scalars: (0..<4).flatMap { i in [v.data[i * 4], v.data[i * 4 + 1]] }),
            heads: 1, kvHeads: 1)
        for i in 0..<4 {
            XCTAssertEqual(got.data[i * 8 + 2], single.data[i * 2], accuracy: 1e-6)
            XCTAssertEqual(got.data[i * 8 + 3], single.data[i * 2 + 1], accuracy: 1e-6)
        }
    }

    func testAttentionWithKeyLengthMatchesFullRecompute() {
        // Decoding: 3 new rows of a 9-token sequence against a 12-slot cache equals the last 3 rows of the
        // full causal attention over 9 tokens (with and without a window).
        for window in [nil, 4] as [Int?] {
            let qAll = randomTensor([1, 9, 8], seed: 50, requiresGrad: false)
            let kAll = randomTensor([1, 9, 4], seed: 51, requiresGrad: false)
            let vAll = randomTensor([1, 9, 4], seed: 52, requiresGrad: false)
            let full = Tape.inference().attention(query: qAll, key: kAll, value: vAll, heads: 2, kvHeads: 1,
                                                  slidingWindow: window)
            let cacheK = Tensor(zeros: [1, 12, 4]), cacheV = Tensor(zeros: [1, 12, 4])
            cacheK.data.update(from: kAll.data, count: 36)
            cacheV.data.update(from: vAll.data, count: 36)
            for i in 36..<48 { cacheK.data[i] = .nan; cacheV.data[i] = .nan }  // unused slots must not be read
            let qNew = Tensor(shape: [1, 3, 8], scalars: Array(qAll.scalars[48...]))
            let step = Tape.inference().attention(query: qNew, key: cacheK, value: cacheV, heads: 2, kvHeads: 1,
                                                  slidingWindow: window, keyLength: 9)
            assertClose(step.scalars, Array(full.scalars[48...]), tolerance: 1e-6)
            let want = naiveAttention(q: qNew, k: cacheK, v: cacheV, heads: 2, kvHeads: 1, window: window, keyLength: 9)
            assertClose(step.scalars, want, tolerance: 2e-5)
        }
    }

    /// RoPE in HF layout: q·cos + rotate_half(q)·sin with rotate_half(x) = cat(−x2, x1), x1/x2 the halves.
    func testRotaryEmbeddingMatchesHuggingFaceRotateHalf() {
        let headDim = 8, heads = 3, t = 4, offset = 7
        let theta: Float = 10000
        let x = randomTensor([2, t, heads * headDim], seed: 53, requiresGrad: false)
        let y = Tape.inference().rotaryEmbedding(x, headDim: headDim, theta: theta, positionOffset: offset)
        var want = [Float](repeating: 0, count: x.count)
        let half = headDim / 2
        for bi in 0..<2 {
            for p in 0..<t {
                for h in 0..<heads {
                    let base = (bi * t + p) * heads * headDim + h * headDim
                    for d in 0..<headDim {
                        let i = d % half
                        let invFreq = 1 / pow(Double(theta), Double(2 * i) / Double(headDim))
                        let angle = Double(offset + p) * invFreq
                        let rotated = d < half ? -Double(x.data[base + d + half]) : Double(x.data[base + d - half])
                        want[base + d] = Float(Double(x.data[base + d]) * cos(angle) + rotated * sin(angle))
                    }
                }
            }
        }
        assertClose(y.scalars, want, tolerance: 2e-6)
    }

    func testCrossEntropyIgnoreIndex() {
        let v = 6
        let logits = randomTensor([4, v], std: 2, seed: 54)
        let targets: [Int32] = [1, -100, 5, -100]
        let tape = Tape()
        let loss = tape.crossEntropy(logits: logits, targets: targets)
        var want = 0.0
        for (i, tgt) in targets.enumerated() where tgt != -100 {
            let row = (0..<v).map { Double(logits.data[i * v + $0]) }
            let mx = row.max()!
            want += mx + log(row.map { exp($0 - mx) }.reduce(0, +)) - row[Int(tgt)]
        }
        want /= 2   // two unmasked rows
        XCTAssertEqual(Double(loss.item), want, accuracy: 1e-5)
        tape.backward(loss)
        let g = logits.gradScalars!
        for j in 0..<v {
            XCTAssertEqual(g[1 * v + j], 0, "masked row gets no gradient")
            XCTAssertEqual(g[3 * v + j], 0, "masked row gets no gradient")
        }
        // Unmasked rows' gradients sum to 0 (softmax − onehot) and are 1/n-scaled.
        XCTAssertEqual(g[0..<v].reduce(0, +), 0, accuracy: 1e-6)
        XCTAssertEqual(g[0 * v + 1], Float((softmax(logits, row: 0)[1] - 1) / 2), accuracy: 1e-6)

        // Every row ignored: loss 0, no gradient (PyTorch would give NaN).
        logits.zeroGrad()
        let tape2 = Tape()
        let none = tape2.crossEntropy(logits: logits, targets: [-100, -100, -100, -100])
        XCTAssertEqual(none.item, 0)
        tape2.backward(none)
        XCTAssertTrue(logits.gradScalars!.allSatisfy { $0 == 0 })
    }

    private func softmax(_ t: Tensor, row: Int) -> [Double] {
        let v = t.shape[1]
        let r = (0..<v).map { Double(t.data[row * v + $0]) }
        let mx = r.max()!
        let e = r.map { exp($0 - mx) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }

    func testRMSNormMatchesFormula() {
        let x = randomTensor([3, 5], seed: 55, requiresGrad: false)
        let w = randomTensor([5], seed: 56, requiresGrad: false)
        let y = Tape.inference().rmsNorm(x, weight: w, eps: 1e-6)
        var want = [Float]()
        for r in 0..<3 {
            let row = (0..<5).map { Double(x.data[r * 5 + $0]) }
            let rstd = 1 / (row.map { $0 * $0 }.reduce(0, +) / 5 + 1e-6).squareRoot()
            want += (0..<5).map { Float(row[$0] * rstd * Double(w.data[$0])) }
        }
        assertClose(y.scalars, want, tolerance: 1e-6)
    }
}

/// Row-vector and column-vector products take the sgemv path; they must agree with the general one.
final class VectorProductTests: XCTestCase {
    func testSingleRowAndColumnProductsMatchNaive() {
        let k = 5
        for ta in [false, true] {
            for tb in [false, true] {
                for (m, n) in [(1, 4), (4, 1), (1, 1)] {
                    let a = randomTensor(ta ? [k, m] : [m, k], seed: 57, requiresGrad: false)
                    let b = randomTensor(tb ? [n, k] : [k, n], seed: 58, requiresGrad: false)
                    let c = Tape.inference().matmul(a, b, transposeA: ta, transposeB: tb)
                    var want = [Float]()
                    for i in 0..<m {
                        for j in 0..<n {
                            var acc = 0.0
                            for p in 0..<k {
                                let av = ta ? a.data[p * m + i] : a.data[i * k + p]
                                let bv = tb ? b.data[j * k + p] : b.data[p * n + j]
                                acc += Double(av) * Double(bv)
                            }
                            want.append(Float(acc))
                        }
                    }
                    assertClose(c.scalars, want, tolerance: 1e-6, "m \(m) n \(n) tA \(ta) tB \(tb)")
                }
            }
        }
    }

    func testGradientCheckThroughVectorProducts() {
        let err = gradientCheckError(inputs: [randomTensor([1, 6], seed: 59), randomTensor([3, 6], seed: 60)]) { t, p in
            t.linear(p[0], p[1])   // m = 1: forward sgemv, dW = dyᵀ·x has k = 1
        }
        GradientCheckLog.report("linear single row", err)
        XCTAssertLessThan(err, 2e-2)
    }
}
