import SeededRandom
import XCTest
@testable import Autograd
@testable import FileFormats

/// `Tape.loraLinear` and `QuantizedMatrix`: the fused op equals its composition from plain ops (with and
/// without dropout), its gradients pass the finite-difference check, a quantized base computes exactly as
/// the dense matrix of its dequantized values, and the blocks are GGUF's (the GGUF dequantizer reads them).
/// PEFT parity of the whole adapted model is `ModelsTests/LoRAParityTests`.
final class LoRALinearTests: XCTestCase {
    func factors(inF: Int, outF: Int, rank: Int, dropout: Float, seed: UInt64 = 7) -> LoRAFactors {
        LoRAFactors(a: randomTensor([rank, inF], std: 0.5, seed: 11), b: randomTensor([outF, rank], std: 0.5, seed: 12),
                    scale: 2, dropout: dropout, seed: seed)
    }

    func testGradientsPassFiniteDifferenceCheck() {
        let x = randomTensor([2, 3, 8], seed: 1)
        let w = randomTensor([6, 8], std: 0.3, seed: 2, requiresGrad: false)
        let f = factors(inF: 8, outF: 6, rank: 3, dropout: 0)
        let error = gradientCheckError(inputs: [x, f.a, f.b]) { tape, inputs in
            tape.loraLinear(inputs[0], base: .dense(w), adapter: LoRAFactors(a: inputs[1], b: inputs[2], scale: 2, dropout: 0, seed: 0))
        }
        GradientCheckLog.report("loraLinear", error)
        XCTAssertLessThan(error, 2e-2)
        XCTAssertNil(w.grad, "the frozen base gets no gradient")
    }

    /// With dropout (recording tape): the op equals x·Wᵀ + scale · ((x ∘ m / (1 − p))·Aᵀ)·Bᵀ with the mask m
    /// it draws, and every gradient equals the composition's.
    func testDropoutMatchesCompositionOfPlainOps() {
        for p: Float in [0, 0.3] {
            let x = randomTensor([2, 5, 16], seed: 3)
            let w = randomTensor([12, 16], std: 0.3, seed: 4, requiresGrad: false)
            let f = factors(inF: 16, outF: 12, rank: 4, dropout: p, seed: 99)
            let r = randomTensor([2, 5, 12], seed: 5, requiresGrad: false)

            let tape = Tape()
            let fused = tape.loraLinear(x, base: .dense(w), adapter: f)
            tape.backward(tape.sum(tape.multiply(fused, r)))
            let (y1, dx1, da1, db1) = (fused.scalars, x.gradScalars!, f.a.gradScalars!, f.b.gradScalars!)
            tape.reset()
            for t in [x, f.a, f.b] { t.zeroGrad() }

            let mask = Tensor(zeros: x.shape)
            for i in 0..<x.count { mask.data[i] = LoRAFactors.keeps(i, seed: 99, dropout: p) ? 1 / (1 - p) : 0 }
            if p > 0 { XCTAssertTrue(mask.scalars.contains(0) && mask.scalars.contains(1 / (1 - p))) }
            let delta = tape.scale(tape.linear(tape.linear(tape.multiply(x, mask), f.a), f.b), by: 2)
            let composed = tape.add(tape.linear(x, w), delta)
            tape.backward(tape.sum(tape.multiply(composed, r)))
            assertClose(y1, composed.scalars, tolerance: 1e-5, "output, p \(p)")
            assertClose(dx1, x.gradScalars!, tolerance: 1e-5, "dx, p \(p)")
            assertClose(da1, f.a.gradScalars!, tolerance: 1e-5, "dA, p \(p)")
            assertClose(db1, f.b.gradScalars!, tolerance: 1e-5, "dB, p \(p)")

            // An inference tape applies no dropout.
            let plain = Tape.inference().loraLinear(x, base: .dense(w), adapter: f)
            let noDrop = Tape.inference().loraLinear(x, base: .dense(w), adapter: factors(inF: 16, outF: 12, rank: 4, dropout: 0))
            XCTAssertEqual(plain.scalars, noDrop.scalars)
        }
    }

    /// Over a quantized base the op computes as over the dense matrix of the dequantized values, through
    /// several tiles (rows · columns above `QuantizedMatrix.tileFloats`), forward and dx.
    func testQuantizedBaseEqualsDequantizedDenseBase() {
        let (outF, inF) = (300, 1024)
        XCTAssertGreaterThan(outF * inF, QuantizedMatrix.tileFloats, "the test must cross a tile boundary")
        let w = randomTensor([outF, inF], std: 0.05, seed: 6, requiresGrad: false)
        for format in QuantizedMatrix.Format.allCases {
            let q = QuantizedMatrix(quantizing: w.data, rows: outF, columns: inF, format: format)
            let dense = Tensor(zeros: [outF, inF])
            q.dequantizeRows(0..<outF, into: dense.data)
            let x = randomTensor([3, inF], seed: 8)
            let r = randomTensor([3, outF], seed: 9, requiresGrad: false)
            let f = factors(inF: inF, outF: outF, rank: 2, dropout: 0)
            var results: [[Float]] = []
            for base in [FrozenWeight.quantized(q), .dense(dense)] {
                x.zeroGrad()
                let tape = Tape()
                let y = tape.loraLinear(x, base: base, adapter: f)
                tape.backward(tape.sum(tape.multiply(y, r)))
                results.append(y.scalars + x.gradScalars!)
            }
            assertClose(results[0], results[1], tolerance: 1e-5, "\(format)")
        }
    }

    /// The blocks are GGUF's Q4_1 / Q8_0: FileFormats' GGUF dequantizer reads them to the same values, and
    /// each value is within half a quantization step of the original (plus the fp16 rounding of the scale and
    /// minimum: ≤ 2⁻¹¹ relative, times up to 127 steps).
    func testBlocksAreGGUFsAndWithinHalfAStep() {
        let (rows, cols) = (4, 96)
        let w = randomTensor([rows, cols], seed: 10, requiresGrad: false)
        for (format, type) in [(QuantizedMatrix.Format.q4_1, GGMLType.q4_1), (.q8_0, .q8_0)] {
            let q = QuantizedMatrix(quantizing: w.data, rows: rows, columns: cols, format: format)
            XCTAssertEqual(q.byteCount, rows * cols / 32 * format.blockBytes)
            var ours = [Float](repeating: 0, count: rows * cols), gguf = ours
            ours.withUnsafeMutableBufferPointer { q.dequantizeRows(0..<rows, into: $0.baseAddress!) }
            gguf.withUnsafeMutableBufferPointer { GGUFDequantize.dequantize(q.blockBytes, type: type, into: $0) }
            XCTAssertEqual(ours, gguf, "\(format)")
            for block in 0..<(rows * cols / 32) {
                let values = (0..<32).map { w.data[32 * block + $0] }
                let step = format == .q4_1 ? (values.max()! - values.min()!) / 15 : values.map(abs).max()! / 127
                for j in 0..<32 {
                    let bound = step * 0.5 + 127 * step * 0x1p-11 + abs(values.min()!) * 0x1p-11
                XCTAssertLessThanOrEqual(abs(ours[32 * block + j] - values[j]), bound,
                                             "\(format) block \(block) element \(j)")
                }
            }
        }
    }
}
