// `loraLinear` on a bf16 tape: the two products over the frozen base take bf16 operands, over a dense base with
// the adapter folded into them (in bf16), over a quantized base with the adapter in Float32; a frozen weight
// is rounded once for the tape's life.

import SeededRandom
import XCTest
@testable import Autograd

final class BF16LoRALinearTests: XCTestCase {
    let bf16 = BF16LinearTests.bf16

    /// Over a quantized base (whose dequantized values are rounded, tile by tile across a tile boundary):
    /// y = bf16(x)·bf16(W)ᵀ + s·(x·Aᵀ)·Bᵀ and dx = bf16(dy)·bf16(W) + (s·dy·B)·A. Over a dense base the adapter
    /// is folded into the two bf16 products: y = bf16(x)·bf16(W)ᵀ + bf16(h)·bf16(s·B)ᵀ and
    /// dx = bf16(dy)·bf16(W) + bf16(dh)·bf16(A), h = x·Aᵀ and dh = s·dy·B in Float32. dA and dB as on an fp32
    /// tape (from the unrounded x and dy). A Float64 reference here, Float32 sums in oneDNN, so the gap is
    /// summation error only, ≤ 1e-5 of the largest value.
    func testBaseProductsRoundOperandsAndTheAdapterFoldsIntoThemOverADenseBase() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        let rows = 2 * 19, inF = 1024, outF = 300, rank = 4
        XCTAssertGreaterThan(outF * inF, QuantizedMatrix.tileFloats, "the quantized case must cross a tile boundary")
        let w = randomTensor([outF, inF], std: 0.05, seed: 21, requiresGrad: false)
        let q = QuantizedMatrix(quantizing: w.data, rows: outF, columns: inF, format: .q4_1)
        let dequantized = Tensor(zeros: [outF, inF])
        q.dequantizeRows(0..<outF, into: dequantized.data)
        for (name, base, values) in [("dense", FrozenWeight.dense(w), w), ("q4_1", .quantized(q), dequantized)] {
            let folded = name == "dense"
            /// The adapter's operands as the product sees them: rounded to bf16 when folded.
            func adapterOperand(_ v: Double) -> Double { folded ? Double(bf16(Float(v))) : v }
            let x = randomTensor([2, 19, inF], seed: 22)
            let f = LoRAFactors(a: randomTensor([rank, inF], std: 0.5, seed: 23), b: randomTensor([outF, rank], std: 0.5, seed: 24),
                                scale: 2, dropout: 0, seed: 0)
            let c = randomTensor([2, 19, outF], seed: 25, requiresGrad: false)   // loss = Σ y ⊙ c, so dy = c
            let tape = Tape(precision: .bf16)
            let y = tape.loraLinear(x, base: base, adapter: f)
            tape.backward(tape.sum(tape.multiply(y, c)))

            let xs = x.scalars, ws = values.scalars, a = f.a.scalars, b = f.b.scalars, dy = c.scalars
            var h = [Double](repeating: 0, count: rows * rank), dh = h
            for r in 0..<rows {
                for j in 0..<rank {
                    for i in 0..<inF { h[r * rank + j] += Double(xs[r * inF + i]) * Double(a[j * inF + i]) }
                    for o in 0..<outF { dh[r * rank + j] += 2 * Double(dy[r * outF + o]) * Double(b[o * rank + j]) }
                }
            }
            var yRef = [Double](repeating: 0, count: rows * outF), dxRef = [Double](repeating: 0, count: rows * inF)
            var daRef = [Double](repeating: 0, count: rank * inF), dbRef = [Double](repeating: 0, count: outF * rank)
            for r in 0..<rows {
                for o in 0..<outF {
                    var s = 0.0
                    for i in 0..<inF { s += Double(bf16(xs[r * inF + i])) * Double(bf16(ws[o * inF + i])) }
                    for j in 0..<rank { s += adapterOperand(h[r * rank + j]) * adapterOperand(2 * Double(b[o * rank + j])) }
                    yRef[r * outF + o] = s
                    let d = Double(bf16(dy[r * outF + o]))
                    for i in 0..<inF { dxRef[r * inF + i] += d * Double(bf16(ws[o * inF + i])) }
                    for j in 0..<rank { dbRef[o * rank + j] += 2 * Double(dy[r * outF + o]) * h[r * rank + j] }
                }
                for j in 0..<rank {
                    for i in 0..<inF {
                        dxRef[r * inF + i] += adapterOperand(dh[r * rank + j]) * adapterOperand(Double(a[j * inF + i]))
                        daRef[j * inF + i] += dh[r * rank + j] * Double(xs[r * inF + i])
                    }
                }
            }
            assertWithin(y.scalars, yRef, "\(name) y")
            assertWithin(x.gradScalars!, dxRef, "\(name) dx")
            assertWithin(f.a.gradScalars!, daRef, "\(name) dA")
            assertWithin(f.b.gradScalars!, dbRef, "\(name) dB")
        }
    }

    /// With dropout the folded forward still applies the mask to h's input, and dX's adapter term (which needs
    /// the mask) is added in Float32 after the product: dA and dB are the fp32 tape's bit for bit (both come from
    /// the unrounded x, dy and the same mask), dx differs from it by bf16 rounding of the base product only.
    func testFoldedAdapterUnderDropoutKeepsTheMask() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        let inF = 96, outF = 40, rank = 4
        let w = randomTensor([outF, inF], std: 0.05, seed: 31, requiresGrad: false)
        let c = randomTensor([3, 5, outF], seed: 32, requiresGrad: false)
        var grads: [[[Float]]] = []
        for precision in [MatmulPrecision.fp32, .bf16] {
            let x = randomTensor([3, 5, inF], seed: 33)
            let f = LoRAFactors(a: randomTensor([rank, inF], std: 0.5, seed: 34), b: randomTensor([outF, rank], std: 0.5, seed: 35),
                                scale: 2, dropout: 0.3, seed: 36)
            let tape = Tape(precision: precision)
            tape.backward(tape.sum(tape.multiply(tape.loraLinear(x, base: .dense(w), adapter: f), c)))
            grads.append([x.gradScalars!, f.a.gradScalars!, f.b.gradScalars!])
        }
        XCTAssertEqual(grads[1][1], grads[0][1], "dA")
        XCTAssertEqual(grads[1][2], grads[0][2], "dB")
        let scale = grads[0][0].reduce(0) { max($0, abs($1)) }
        let err = zip(grads[1][0], grads[0][0]).reduce(0) { max($0, abs($1.0 - $1.1)) }
        XCTAssertGreaterThan(err, 0, "the base product of dx is rounded")
        XCTAssertLessThan(err, 0.02 * scale, "dx: max |Δ| \(err), max |value| \(scale)")
    }

    /// A frozen weight's bf16 copy is made at its first product and kept across `reset()` (a LoRA step
    /// rounds no weight), while a trainable weight's copy is still made again after `reset()`.
    func testFrozenCopyOutlivesReset() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        let frozen = randomTensor([8, 32], seed: 26, requiresGrad: false)
        let x = randomTensor([3, 32], seed: 27, requiresGrad: false)
        let tape = Tape(recording: false, precision: .bf16)
        let first = tape.loraLinear(x, base: .dense(frozen), adapter: nil).scalars
        let bits = try XCTUnwrap(tape.bf16).frozen(frozen)
        tape.reset()
        XCTAssertEqual(try XCTUnwrap(tape.bf16).frozen(frozen), bits, "the same copy after reset")
        XCTAssertEqual(tape.loraLinear(x, base: .dense(frozen), adapter: nil).scalars, first)
        for i in 0..<frozen.count { XCTAssertEqual(bits[i], UInt16(bf16(frozen.data[i]).bitPattern >> 16)) }
    }

    func assertWithin(_ got: [Float], _ want: [Double], _ what: String) {
        let scale = want.reduce(0) { max($0, abs($1)) }
        let err = zip(got, want).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
        XCTAssertLessThanOrEqual(err, 1e-5 * scale, "\(what): max |Δ| \(err), max |value| \(scale)")
    }
}
