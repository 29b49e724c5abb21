// FrozenProductsBF16: the two products over a frozen LoRA base weight with bf16 operands (a bf16 tape).

import CBF16

extension FrozenWeight {
    /// y[R, out] = x[R, in] · Wᵀ (+ beta · y) with `x` and W in bf16, summed in Float32. A dense W is read from
    /// the workspace's one-time bf16 copy; a quantized W is dequantized tile by tile and each tile rounded.
    func multiplyTransposed(bf16 x: UnsafePointer<UInt16>, rows r: Int, into y: UnsafeMutablePointer<Float>,
                            beta: Float, workspace: BF16Workspace) {
        switch self {
        case .dense(let w):
            bf16gemm(transA: false, transB: true, m: r, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                     b: workspace.frozen(w), ldb: inFeatures, beta: beta, c: y, ldc: outFeatures)
        case .quantized(let q):
            q.withBF16Tiles { range, tile in
                bf16gemm(transA: false, transB: true, m: r, n: range.count, k: q.columns, a: x, lda: q.columns,
                         b: tile, ldb: q.columns, beta: beta, c: y + range.lowerBound, ldc: q.rows)
            }
        }
    }

    /// dx[R, in] = dy[R, out] · W (+ beta · dx) with `dy` and W in bf16, summed in Float32.
    func multiply(bf16 dy: UnsafePointer<UInt16>, rows r: Int, into dx: UnsafeMutablePointer<Float>,
                  beta: Float, workspace: BF16Workspace) {
        switch self {
        case .dense(let w):
            bf16gemm(transA: false, transB: false, m: r, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                     b: workspace.frozen(w), ldb: inFeatures, beta: beta, c: dx, ldc: inFeatures)
        case .quantized(let q):
            q.withBF16Tiles { range, tile in
                bf16gemm(transA: false, transB: false, m: r, n: q.columns, k: range.count, a: dy + range.lowerBound,
                         lda: q.rows, b: tile, ldb: q.columns, beta: range.lowerBound == 0 ? beta : 1,
                         c: dx, ldc: q.columns)
            }
        }
    }
}

extension QuantizedMatrix {
    /// Calls `body` with each tile of rows (`tileRows` at a time, in row order) dequantized and rounded to
    /// bf16 in one pass: each worker dequantizes a row into a row of Float32 scratch and rounds it.
    func withBF16Tiles(_ body: (Range<Int>, UnsafePointer<UInt16>) -> Void) {
        let bits = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, tileRows * columns))
        defer { bits.deallocate() }
        let perRow = columns / 32
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + tileRows)
            Parallel.forRanges(range.count, costPerItem: 64 * perRow) { local in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { row in
                    let row = row.baseAddress!
                    for i in local {
                        let first = (range.lowerBound + i) * perRow
                        for b in 0..<perRow {
                            Self.dequantizeBlock(self.blocks + (first + b) * self.format.blockBytes, into: row + 32 * b,
                                                 format: self.format)
                        }
                        cbf16_convert(row, bits + i * self.columns, self.columns)
                    }
                }
            }
            body(range, UnsafePointer(bits))
            start = range.upperBound
        }
    }
}
