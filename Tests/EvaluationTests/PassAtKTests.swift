@testable import Evaluation
import Problems
import XCTest

final class PassAtKTests: XCTestCase {
    func testHandComputedValues() {
        // 1 − C(n−c,k)/C(n,k) by hand.
        XCTAssertEqual(passAtK(n: 5, c: 2, k: 1), 0.4, accuracy: 1e-12)             // 1 − 3/5
        XCTAssertEqual(passAtK(n: 5, c: 2, k: 2), 0.7, accuracy: 1e-12)             // 1 − 3/10
        XCTAssertEqual(passAtK(n: 10, c: 3, k: 5), 1 - 21.0 / 252.0, accuracy: 1e-12) // 1 − C(7,5)/C(10,5)
        XCTAssertEqual(passAtK(n: 20, c: 1, k: 10), 0.5, accuracy: 1e-12)            // 1 − C(19,10)/C(20,10)
        XCTAssertEqual(passAtK(n: 200, c: 13, k: 100), 1 - exp(lgammaRatio(187, 100) - lgammaRatio(200, 100)), accuracy: 1e-9)
    }

    func testEdges() {
        XCTAssertEqual(passAtK(n: 10, c: 0, k: 1), 0)
        XCTAssertEqual(passAtK(n: 3, c: 0, k: 3), 0)
        XCTAssertEqual(passAtK(n: 3, c: 2, k: 2), 1)   // n − c < k
        XCTAssertEqual(passAtK(n: 1, c: 1, k: 1), 1)
    }

    func testTableReportsOnlyKWithEnoughSamples() {
        let table = PassAtKTable(problems: [("a", 10, 5), ("b", 4, 0)], requestedK: [1, 5, 10])
        XCTAssertEqual(table.ks, [1])
        XCTAssertEqual(table.mean[1]!, (0.5 + 0) / 2, accuracy: 1e-12)
        XCTAssertNil(table.mean[5])
        XCTAssertEqual(table.perProblem[0][1]!, 0.5, accuracy: 1e-12)
    }

    /// log C(n, k).
    private func lgammaRatio(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}

final class StopSequenceTests: XCTestCase {
    func testCutsAtEarliestStop() {
        let text = "    return x\n\ndef other():\n    pass\nprint(1)"
        XCTAssertEqual(truncateAtStop(text, stops: humanEvalStopSequences), "    return x\n")
        XCTAssertEqual(truncateAtStop("    a = 1\n#c\nif x:", stops: humanEvalStopSequences), "    a = 1")
        XCTAssertEqual(truncateAtStop("    return 1", stops: humanEvalStopSequences), "    return 1")
        XCTAssertEqual(truncateAtStop("abc", stops: ["", "c"]), "ab")
        XCTAssertEqual(truncateAtStop("    if x:\n        y", stops: humanEvalStopSequences), "    if x:\n        y")
    }
}
