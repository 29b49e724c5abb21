// InferenceKernels pieces not covered by Models' KV-cache parity tests.

import XCTest
@testable import Autograd

final class InferenceKernelsTests: XCTestCase {
    func testArgmaxFirstOfTiesAcrossBlocksAndTail() {
        for count in [1, 7, 8, 9, 31, 4096] {
            var x = (0..<count).map { Float(($0 * 37) % 11) - 5 }
            let largest = x.max()!
            XCTAssertEqual(InferenceKernels.argmax(x, count: count), x.firstIndex(of: largest)!, "count \(count)")
            x[count - 1] = 100   // the maximum in the scalar tail
            XCTAssertEqual(InferenceKernels.argmax(x, count: count), count - 1, "count \(count)")
        }
    }

    func testArgmaxSkipsNaNs() {
        var x = [Float](repeating: 1, count: 20)
        x[3] = .nan; x[17] = .nan; x[12] = 2
        XCTAssertEqual(InferenceKernels.argmax(x, count: 20), 12)
        XCTAssertEqual(InferenceKernels.argmax([Float.nan, .nan], count: 2), 0)
        XCTAssertEqual(InferenceKernels.argmax([-Float.infinity, -.infinity, -1], count: 3), 2)
    }
}
