// Attention's tiles on a recording bf16 tape: CBF16's packed tile products, and the whole op forward and
// backward, against Float64 references computed from bf16-rounded operands.

import CBF16
import Foundation
import XCTest
@testable import Autograd

final class BF16AttentionTests: XCTestCase {
    let bf16 = BF16LinearTests.bf16

    /// c = alpha · op(A)·op(B) + beta · c from packed pairs equals a Float64 sum of the rounded operands up to
    /// Float32 summation (≤ 1e-5 of the largest |term| sum), with A packed along its rows or down its columns,
    /// B down its columns or from Bᵀ; odd k (a zero pad), m off the 8-row blocks, n off the 16-column halves.
    func testTileProductsOfPackedPairsMatchRoundedOperands() {
        for (m, n, k) in [(1, 1, 1), (7, 33, 9), (64, 200, 64), (13, 16, 31), (9, 48, 2), (70, 5, 130)] {
            let a = randomTensor([m, k], seed: UInt64(m * 31 + k), requiresGrad: false).scalars
            let b = randomTensor([k, n], seed: UInt64(n * 17 + k), requiresGrad: false).scalars
            let c0 = randomTensor([m, n], seed: 9, requiresGrad: false).scalars
            let kp = (k + 1) / 2
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1)] {
                var want = [Double](repeating: 0, count: m * n), bound = want
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0, abs = 0.0
                        for l in 0..<k {
                            let term = Double(bf16(a[i * k + l])) * Double(bf16(b[l * n + j]))
                            s += term; abs += Swift.abs(term)
                        }
                        want[i * n + j] = Double(alpha) * s + Double(beta) * Double(c0[i * n + j])
                        bound[i * n + j] = 1e-5 * (abs + Swift.abs(Double(c0[i * n + j])))
                    }
                }
                // A along its rows [m, kp]; B down its columns [kp, n].
                var aRows = [UInt32](repeating: 0, count: m * kp), bPairs = [UInt32](repeating: 0, count: kp * n)
                cbf16_pack_rows(a, k, m, k, &aRows, kp)
                cbf16_pack_row_pairs(b, n, k, n, &bPairs, n)
                // A from Aᵀ [k, m] down its columns [kp, m]; B from Bᵀ [n, k].
                let at = (0..<(k * m)).map { a[($0 % m) * k + $0 / m] }, bt = (0..<(n * k)).map { b[($0 % k) * n + $0 / k] }
                var aCols = [UInt32](repeating: 0, count: kp * m), bFromT = [UInt32](repeating: 0, count: kp * n)
                cbf16_pack_row_pairs(at, m, k, m, &aCols, m)
                cbf16_pack_transposed(bt, k, n, k, &bFromT, n)
                for (name, aw, aRow, aK, bw) in [("rows/pairs", aRows, kp, 1, bPairs), ("columns/transposed", aCols, 1, m, bFromT)] {
                    var c = c0
                    cbf16_tile_product(m, n, kp, aw, aRow, aK, bw, n, alpha, beta, &c, n)
                    for e in 0..<(m * n) where Swift.abs(Double(c[e]) - want[e]) > bound[e] {
                        XCTFail("[\(m), \(k)]·[\(k), \(n)] \(name) alpha \(alpha) beta \(beta): c[\(e)] \(c[e]) want \(want[e])")
                        break
                    }
                }
            }
        }
    }

    /// A recording bf16 tape's attention equals a Float64 emulation of its bf16 products (q, k, v, P, dO, dS
    /// rounded; softmax, dS and D = rowsum(dO ∘ O) unrounded), output and all three gradients: GQA, odd head
    /// size, several query tiles, and a sliding window whose key ranges start on odd keys. Tolerance 5e-4 of the
    /// largest value: P and dS are rounded from Float32 there and from Float64 here, so a value on a bf16
    /// rounding boundary can round one step (2⁻⁸ of that one term) apart; measured at most 2.5e-5. The fp32
    /// tape's attention sits 2.7e-3 to 8e-3 from the emulation, so the check fails if the tape ran Float32.
    func testRecordingTapeMatchesRoundedReferenceForwardAndBackward() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        for (b, t, heads, kvHeads, hd, window) in [(2, 70, 4, 2, 9, nil), (1, 130, 2, 1, 16, 41)] as [(Int, Int, Int, Int, Int, Int?)] {
            let tag = "b \(b) t \(t) heads \(heads)/\(kvHeads) hd \(hd) window \(String(describing: window))"
            let c = randomTensor([b, t, heads * hd], seed: 60, requiresGrad: false)   // loss = Σ O ⊙ c, so dO = c
            var results: [MatmulPrecision: [[Float]]] = [:]
            for precision in [MatmulPrecision.bf16, .fp32] {
                let q = randomTensor([b, t, heads * hd], seed: 61), k = randomTensor([b, t, kvHeads * hd], seed: 62)
                let v = randomTensor([b, t, kvHeads * hd], seed: 63)
                let tape = Tape(precision: precision)
                let o = tape.attention(query: q, key: k, value: v, heads: heads, kvHeads: kvHeads, slidingWindow: window)
                tape.backward(tape.sum(tape.multiply(o, c)))
                results[precision] = [o.scalars, q.gradScalars!, k.gradScalars!, v.gradScalars!]
            }
            let q = randomTensor([b, t, heads * hd], seed: 61).scalars, k = randomTensor([b, t, kvHeads * hd], seed: 62).scalars
            let v = randomTensor([b, t, kvHeads * hd], seed: 63).scalars
            let want = emulate(q: q, k: k, v: v, dO: c.scalars, b: b, t: t, heads: heads, kvHeads: kvHeads, hd: hd,
                               window: window, outputUsed: results[.bf16]![0])
            for (index, name) in ["O", "dQ", "dK", "dV"].enumerated() {
                let scale = want[index].reduce(0) { max($0, abs($1)) }
                let bf16Err = maxDiff(results[.bf16]![index], want[index]), fp32Err = maxDiff(results[.fp32]![index], want[index])
                print("bf16 attention \(tag) \(name): max |Δ| / max |value| bf16 tape \(bf16Err / scale), fp32 tape \(fp32Err / scale)")
                XCTAssertLessThanOrEqual(bf16Err, 5e-4 * scale, "\(tag) \(name): bf16 tape max |Δ| \(bf16Err), max |value| \(scale)")
                XCTAssertGreaterThan(fp32Err, 5e-4 * scale, "\(tag) \(name): the fp32 tape sits within the tolerance (\(fp32Err))")
            }
        }
    }

    /// Float64 attention from bf16-rounded products: [O, dQ, dK, dV]. D uses `outputUsed` (the op's own O).
    private func emulate(q: [Float], k: [Float], v: [Float], dO: [Float], b: Int, t: Int, heads: Int, kvHeads: Int,
                         hd: Int, window: Int?, outputUsed: [Float]) -> [[Double]] {
        let group = heads / kvHeads, qw = heads * hd, kw = kvHeads * hd, scale = 1 / Double(hd).squareRoot()
        func r(_ x: Float) -> Double { Double(bf16(x)) }
        func r(_ x: Double) -> Double { Double(bf16(Float(x))) }
        var o = [Double](repeating: 0, count: q.count), dq = o
        var dk = [Double](repeating: 0, count: k.count), dv = dk
        for bi in 0..<b {
            for h in 0..<heads {
                let kh = h / group
                func qi(_ i: Int, _ d: Int) -> Int { (bi * t + i) * qw + h * hd + d }
                func kj(_ j: Int, _ d: Int) -> Int { (bi * t + j) * kw + kh * hd + d }
                for i in 0..<t {
                    let visible = (0...i).filter { window == nil || $0 > i - window! }
                    var s = visible.map { j in scale * (0..<hd).reduce(0.0) { $0 + r(q[qi(i, $1)]) * r(k[kj(j, $1)]) } }
                    let mx = s.max()!
                    s = s.map { exp($0 - mx) }
                    let z = s.reduce(0, +)
                    let p = s.map { $0 / z }
                    var dp = [Double](repeating: 0, count: p.count)
                    let dot = (0..<hd).reduce(0.0) { $0 + Double(dO[qi(i, $1)]) * Double(outputUsed[qi(i, $1)]) }
                    for (n, j) in visible.enumerated() {
                        for d in 0..<hd {
                            o[qi(i, d)] += r(p[n]) * r(v[kj(j, d)])
                            dv[kj(j, d)] += r(p[n]) * r(dO[qi(i, d)])
                            dp[n] += r(dO[qi(i, d)]) * r(v[kj(j, d)])
                        }
                    }
                    for (n, j) in visible.enumerated() {
                        let ds = r(Float(p[n] * (dp[n] - dot)))
                        for d in 0..<hd {
                            dq[qi(i, d)] += scale * ds * r(k[kj(j, d)])
                            dk[kj(j, d)] += scale * ds * r(q[qi(i, d)])
                        }
                    }
                }
            }
        }
        return [o, dq, dk, dv]
    }

    private func maxDiff(_ got: [Float], _ want: [Double]) -> Double {
        zip(got, want).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
    }
}
