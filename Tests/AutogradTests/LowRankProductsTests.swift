// The LoRA adapter's one-pass kernels against a Float64 product, over ranks and widths that leave every
// tail (rows not a multiple of 8, columns not a multiple of 8, ranks not a multiple of 4), on one and two
// workers; and the same result whatever the worker count up to Float32 summation order.

import XCTest
@testable import Autograd

final class LowRankProductsTests: XCTestCase {
    /// (rows, n, rank) cases: tiny, tails everywhere, and a LoRA-sized one that splits over workers.
    let cases = [(1, 3, 1), (7, 13, 3), (19, 37, 5), (33, 576, 8), (300, 200, 13), (1024, 192, 8)]

    func testProjectExpandAndGradientEqualAFloat64Product() {
        let saved = Parallel.workers
        defer { Parallel.setThreads(saved) }
        for threads in [1, 2] {
            Parallel.setThreads(threads)
            for (rows, n, rank) in cases {
                let x = randomTensor([rows, n], seed: UInt64(rows * 31 + n)).scalars
                let f = randomTensor([rank, n], seed: UInt64(rank * 7 + n)).scalars
                let h = randomTensor([rows, rank], seed: UInt64(rows + rank)).scalars
                let y0 = randomTensor([rows, n], seed: 99).scalars
                let g0 = randomTensor([rank, n], seed: 98).scalars
                let scale: Float = 0.75
                let tag = "rows \(rows), n \(n), rank \(rank), \(threads) thread(s)"

                // h' = scale · x · fᵀ
                var projected = [Float](repeating: .nan, count: rows * rank)
                lowRankProject(x, rows: rows, n: n, factor: f, rank: rank, scale: scale, into: &projected)
                for i in 0..<rows {
                    for j in 0..<rank {
                        var s = 0.0
                        for k in 0..<n { s += Double(x[i * n + k]) * Double(f[j * n + k]) }
                        assertClose(projected[i * rank + j], Double(scale) * s, scaleOf: n, tag + " project")
                    }
                }

                // y = y0 + scale · h · f, and without y0
                for accumulate in [true, false] {
                    var y = accumulate ? y0 : [Float](repeating: .nan, count: rows * n)
                    lowRankExpand(h, rows: rows, rank: rank, factor: f, n: n, scale: scale, into: &y, accumulate: accumulate)
                    for i in 0..<rows {
                        for k in 0..<n {
                            var s = 0.0
                            for j in 0..<rank { s += Double(h[i * rank + j]) * Double(f[j * n + k]) }
                            let expected = (accumulate ? Double(y0[i * n + k]) : 0) + Double(scale) * s
                            assertClose(y[i * n + k], expected, scaleOf: rank, tag + " expand")
                        }
                    }
                }

                // g = g0 + scale · hᵀ · x
                var g = g0
                lowRankGradient(h, rows: rows, rank: rank, x, n: n, scale: scale, into: &g)
                for j in 0..<rank {
                    for k in 0..<n {
                        var s = 0.0
                        for i in 0..<rows { s += Double(h[i * rank + j]) * Double(x[i * n + k]) }
                        assertClose(g[j * n + k], Double(g0[j * n + k]) + Double(scale) * s, scaleOf: rows, tag + " gradient")
                    }
                }
            }
        }
    }

    /// Float32 sums of `terms` products of unit normals: the error grows like √terms · ε · (typical size).
    private func assertClose(_ actual: Float, _ expected: Double, scaleOf terms: Int, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let tolerance = 1e-5 * (Double(terms).squareRoot() + abs(expected))
        if !(abs(Double(actual) - expected) <= tolerance) {
            XCTFail("\(what): \(actual) against \(expected)", file: file, line: line)
        }
    }
}
