// bf16 products: `linear` on a bf16 tape against a Float64 reference computed from bf16-rounded operands.

import SeededRandom
import XCTest
@testable import Autograd

final class BF16LinearTests: XCTestCase {
    /// Rounds to bf16 and back, round to nearest even (what `cbf16_convert` must do).
    static func bf16(_ x: Float) -> Float {
        let u = x.bitPattern
        return Float(bitPattern: (u &+ 0x7FFF &+ ((u >> 16) & 1)) & 0xFFFF_0000)
    }

    func testRoundingIsNearestEven() {
        // 1 + 2⁻⁸ is halfway between two bf16 values (1 and 1 + 2⁻⁷): ties go to the even one, 1.
        XCTAssertEqual(Self.bf16(1 + 1.0 / 256), 1)
        XCTAssertEqual(Self.bf16(1 + 3.0 / 256), 1 + 4.0 / 256)
        XCTAssertEqual(Self.bf16(-2.7182817), -2.71875)
    }

    /// y = x·Wᵀ, dx = dy·W, dW = dyᵀ·x with every operand rounded to bf16, sums in Float64 here and in
    /// Float32 in oneDNN: the gap is Float32 summation error only, ≤ 1e-5 relative to the largest value.
    /// Shapes large enough that oneDNN takes its blocked kernels, with a ragged edge (37, 70).
    func testLinearMatchesRoundedOperandsInEveryProduct() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        let rows = 2 * 37, inF = 70, outF = 96
        let x = randomTensor([2, 37, inF], seed: 81)
        let w = randomTensor([outF, inF], seed: 82)
        let tape = Tape(precision: .bf16)
        let y = tape.linear(x, w)
        // loss = Σ y ⊙ c for fixed c, so dy = c.
        let cValues = randomTensor([2, 37, outF], seed: 83, requiresGrad: false)
        tape.backward(tape.sum(tape.multiply(y, cValues)))

        let xr = x.scalars.map(Self.bf16), wr = w.scalars.map(Self.bf16), dyr = cValues.scalars.map(Self.bf16)
        var yRef = [Double](repeating: 0, count: rows * outF)
        var dxRef = [Double](repeating: 0, count: rows * inF), dwRef = [Double](repeating: 0, count: outF * inF)
        for r in 0..<rows {
            for o in 0..<outF {
                var s = 0.0
                for i in 0..<inF { s += Double(xr[r * inF + i]) * Double(wr[o * inF + i]) }
                yRef[r * outF + o] = s
                let d = Double(dyr[r * outF + o])
                for i in 0..<inF {
                    dxRef[r * inF + i] += d * Double(wr[o * inF + i])
                    dwRef[o * inF + i] += d * Double(xr[r * inF + i])
                }
            }
        }
        func assertClose(_ got: [Float], _ want: [Double], _ what: String) {
            let scale = want.reduce(0) { max($0, abs($1)) }
            let err = zip(got, want).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
            XCTAssertLessThanOrEqual(err, 1e-5 * scale, "\(what): max |Δ| \(err), max |value| \(scale)")
        }
        assertClose(y.scalars, yRef, "y")
        assertClose(x.gradScalars!, dxRef, "dx")
        assertClose(w.gradScalars!, dwRef, "dW")
        // And the fp32 tape gives a different (unrounded) answer: the bf16 path really ran.
        let fp32 = Tape.inference().linear(x, w).scalars
        XCTAssertGreaterThan(zip(fp32, y.scalars).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }, 1e-3)
    }

    /// Rounding an output gradient in place (`linear`'s backward) gives the bits a separate copy gets, packed at
    /// the start of the buffer: one range (small counts) and ranges split over two workers with ragged ends.
    func testRoundInPlaceEqualsRoundingIntoACopy() throws {
        let saved = Parallel.workers
        Parallel.setThreads(2)
        defer { Parallel.setThreads(saved) }
        for count in [0, 1, 31, 33, 1000, 32768, 70001] {
            let values = randomTensor([max(count, 1)], seed: UInt64(90 + count), requiresGrad: false)
            let copy = UnsafeMutablePointer<UInt16>.allocate(capacity: max(count, 1))
            defer { copy.deallocate() }
            BF16Products.round(values.data, into: copy, count: count)
            let bits = BF16Workspace.roundInPlace(values.data, count: count)
            XCTAssertEqual(UnsafeRawPointer(bits), UnsafeRawPointer(values.data))
            for i in 0..<count where bits[i] != copy[i] {
                XCTFail("count \(count): element \(i) is \(bits[i]), a copy has \(copy[i])")
                break
            }
        }
    }

    /// A weight changed between steps (an optimizer step, then `reset()`) is rounded again, not reused.
    func testResetForgetsWeightCopies() throws {
        try XCTSkipUnless(BF16Products.isAvailable, "bf16 products unavailable here: \(BF16Products.unavailableReason)")
        let x = randomTensor([4, 8], seed: 84, requiresGrad: false)
        let w = randomTensor([3, 8], seed: 85)
        let tape = Tape(recording: false, precision: .bf16)
        let before = tape.linear(x, w).scalars
        tape.reset()
        for i in 0..<w.count { w.data[i] *= 2 }
        let after = tape.linear(x, w).scalars
        for (a, b) in zip(before, after) { XCTAssertEqual(2 * a, b, accuracy: 1e-5 * max(1, abs(b))) }
    }

    func testSettingsResolveToWhatThisMachineRuns() {
        XCTAssertEqual(PrecisionSetting.fp32.resolved, .fp32)
        XCTAssertNil(PrecisionSetting.fp32.fallbackNote)
        let expected: MatmulPrecision = BF16Products.isAvailable ? .bf16 : .fp32
        XCTAssertEqual(PrecisionSetting.auto.resolved, expected)
        XCTAssertEqual(PrecisionSetting.bf16.resolved, expected)
        XCTAssertEqual(PrecisionSetting.bf16.fallbackNote == nil, BF16Products.isAvailable)
        XCTAssertEqual(BF16Products.isAvailable ? "" : "x", BF16Products.unavailableReason.isEmpty ? "" : "x")
    }
}
