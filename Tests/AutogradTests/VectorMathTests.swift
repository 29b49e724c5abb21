// The SIMD exp against Foundation's.

import XCTest
import Foundation
@testable import Autograd

final class VectorMathTests: XCTestCase {
    func testExp8MatchesFoundationExp() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let v = SIMD8<Float>((0..<8).map { x + Float($0) * 0.013 })
            let e = exp8(v)
            for l in 0..<8 {
                let want = Float(exp(Double(v[l])))
                worst = max(worst, abs(e[l] - want) / want)
            }
            x += 0.37
        }
        XCTAssertLessThan(worst, 4e-7, "worst relative error of exp8")
        XCTAssertEqual(exp8(SIMD8(repeating: 0))[0], 1)
        XCTAssertLessThan(exp8(SIMD8(repeating: -.infinity))[0], 1e-37)
    }

    func testSoftmaxHelpers() {
        let xs: [Float] = [0.5, -1, 3, 2, 0, 1, -2, 4, 0.25, 1.5, -0.5]
        var out = [Float](repeating: 0, count: xs.count)
        let mx = maxOf(xs, count: xs.count)
        XCTAssertEqual(mx, 4)
        let s = out.withUnsafeMutableBufferPointer { expShifted(xs, $0.baseAddress!, count: xs.count, shift: mx) }
        let want = xs.map { exp(Double($0 - mx)) }
        XCTAssertEqual(Double(s), want.reduce(0, +), accuracy: 1e-6)
        XCTAssertEqual(Double(sumExpShifted(xs, count: xs.count, shift: mx)), want.reduce(0, +), accuracy: 1e-6)
        for i in 0..<xs.count { XCTAssertEqual(Double(out[i]), want[i], accuracy: 1e-7) }
    }
}
