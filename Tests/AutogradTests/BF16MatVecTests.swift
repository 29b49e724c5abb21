// The decoder's bf16 projection (`InferenceKernels.linearRowsBF16`) against a Float64 reference computed from
// bf16-rounded operands: the bf16 dot-product matrix-vector kernel (`cbf16_gemv`, ≤ 4 rows) and the oneDNN
// product (more rows).

import CBF16
import Foundation
import SeededRandom
import XCTest
@testable import Autograd

final class BF16MatVecTests: XCTestCase {
    /// Several vectors at once (`cbf16_rows`) and the two-thread product (`cbf16_rows_pair`) give each vector
    /// `cbf16_gemv`'s result bit for bit: 1, 2, 3 and 7 vectors, below the weight-row count the pair shares, on
    /// weight-row counts that are and are not multiples of 8, with beta 0 and 1, back to back (the helper
    /// spinning), after a pause long enough for the helper to sleep, and from two threads at once (one of
    /// them runs alone).
    func testSeveralVectorsAndPairedProductsEqualOneVectorAtATimeBitForBit() throws {
        try XCTSkipUnless(BF16Products.cpuHasBF16, "no AVX512-BF16 here: cbf16_gemv is plain C, and so is each half")
        let shapes = [(40, 64), (64, 96), (77, 256), (256, 256), (768, 45), (4096, 256)]
        let operands = shapes.map { (outF, inF) -> ([UInt16], [UInt16], [Float]) in
            let w = randomTensor([outF, inF], seed: UInt64(outF * 7 + inF), requiresGrad: false)
            let x = randomTensor([7, inF], seed: UInt64(outF + inF), requiresGrad: false)
            var wBits = [UInt16](repeating: 0, count: outF * inF), xBits = [UInt16](repeating: 0, count: 7 * inF)
            BF16Products.round(w.data, into: &wBits, count: w.count)
            BF16Products.round(x.data, into: &xBits, count: x.count)
            return (wBits, xBits, randomTensor([7, outF], seed: 5, requiresGrad: false).scalars)
        }
        func check(_ tag: String) {
            for ((outF, inF), (w, x, y0)) in zip(shapes, operands) {
                for beta: Float in [0, 1] {
                    var single = y0   // one vector at a time
                    for i in 0..<7 {
                        x.withUnsafeBufferPointer { x in single.withUnsafeMutableBufferPointer { y in
                            cbf16_gemv(w, outF, inF, x.baseAddress! + i * inF, beta, y.baseAddress! + i * outF)
                        } }
                    }
                    for rows in [1, 2, 3, 7] {
                        var together = y0, paired = y0
                        cbf16_rows(w, outF, inF, x, rows, beta, &together, outF)
                        cbf16_rows_pair(w, outF, inF, x, rows, beta, &paired)
                        let want = single.prefix(rows * outF).map(\.bitPattern)
                        XCTAssertEqual(Array(together.prefix(rows * outF)).map(\.bitPattern), want, "\(tag): [\(outF), \(inF)] × \(rows) beta \(beta)")
                        XCTAssertEqual(Array(paired.prefix(rows * outF)).map(\.bitPattern), want, "\(tag): paired [\(outF), \(inF)] × \(rows) beta \(beta)")
                    }
                }
            }
        }
        for round in 0..<20 { check("back to back, round \(round)") }
        Thread.sleep(forTimeInterval: 0.01)
        check("after the helper slept")
        check("again")
        Parallel.concurrently(2) { i in check("two callers, \(i)") }
    }

    /// Every row count of the vector path and one of the product path, beta 0 and 1, on shapes with ragged
    /// edges: outF not a multiple of the kernel's 8 rows, inF not a multiple of its 32 columns (and below 32).
    /// Both sides multiply the same bf16 values; the gap is Float32 summation error, ≤ 1e-5 of the largest
    /// |y| (sums of up to 300 products of unit normals).
    func testMatchesRoundedOperandsOnRaggedShapes() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        for (outF, inF) in [(8, 32), (37, 45), (19, 7), (64, 300), (5, 256)] {
            for rows in [1, 2, 4, 5] {
                for beta: Float in [0, 1] {
                    let seed = UInt64(outF * 1000 + inF * 10 + rows)
                    let x = randomTensor([rows, inF], seed: seed, requiresGrad: false)
                    let w = randomTensor([outF, inF], seed: seed + 1, requiresGrad: false)
                    let y0 = randomTensor([rows, outF], seed: seed + 2, requiresGrad: false)
                    let wBits = UnsafeMutablePointer<UInt16>.allocate(capacity: outF * inF)
                    let xBits = UnsafeMutablePointer<UInt16>.allocate(capacity: rows * inF)
                    defer { wBits.deallocate(); xBits.deallocate() }
                    BF16Products.round(w.data, into: wBits, count: w.count)
                    let y = y0.scalars
                    var got = y
                    got.withUnsafeMutableBufferPointer { out in
                        InferenceKernels.linearRowsBF16(x.data, wBits, out.baseAddress!, rows: rows, inF: inF, outF: outF,
                                                        beta: beta, xBits: xBits)
                    }
                    let xr = x.scalars.map(BF16LinearTests.bf16), wr = w.scalars.map(BF16LinearTests.bf16)
                    var want = [Double](repeating: 0, count: rows * outF)
                    for r in 0..<rows {
                        for o in 0..<outF {
                            var s = Double(beta) * Double(y[r * outF + o])
                            for i in 0..<inF { s += Double(xr[r * inF + i]) * Double(wr[o * inF + i]) }
                            want[r * outF + o] = s
                        }
                    }
                    let scale = max(1, want.reduce(0) { max($0, abs($1)) })
                    let worst = zip(got, want).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
                    XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "outF \(outF) inF \(inF) rows \(rows) beta \(beta)")
                }
            }
        }
    }
}
