// FrozenProductsBF16: the two products over a frozen LoRA base weight with bf16 operands (a bf16 tape).

import CBF16

extension FrozenWeight {
    /// y[R, out] = x[R, in] · Wᵀ (+ beta · y) with `x` and W in bf16, summed in Float32.
    func multiplyTransposed(bf16 x: UnsafePointer<UInt16>, rows r: Int, into y: UnsafeMutablePointer<Float>,
                            beta: Float, workspace: BF16Workspace) {
        withBF16Tiles(workspace) { range, tile in
            bf16gemm(transA: false, transB: true, m: r, n: range.count, k: inFeatures, a: x, lda: inFeatures,
                     b: tile, ldb: inFeatures, beta: beta, c: y + range.lowerBound, ldc: outFeatures)
        }
    }

    /// dx[R, in] = dy[R, out] · W (+ beta · dx) with `dy` and W in bf16, summed in Float32.
    func multiply(bf16 dy: UnsafePointer<UInt16>, rows r: Int, into dx: UnsafeMutablePointer<Float>,
                  beta: Float, workspace: BF16Workspace) {
        withBF16Tiles(workspace) { range, tile in
            bf16gemm(transA: false, transB: false, m: r, n: inFeatures, k: range.count, a: dy + range.lowerBound,
                     lda: outFeatures, b: tile, ldb: inFeatures, beta: range.lowerBound == 0 ? beta : 1,
                     c: dx, ldc: inFeatures)
        }
    }

    /// Calls `body` with W's rows in bf16, in row order: a dense W as one tile, the workspace's one-time copy
    /// (`BF16Workspace.frozen`); a quantized W tile by tile, each dequantized and rounded into the workspace's
    /// reused tile buffer.
    private func withBF16Tiles(_ workspace: BF16Workspace, _ body: (Range<Int>, UnsafePointer<UInt16>) -> Void) {
        switch self {
        case .dense(let w): body(0..<outFeatures, workspace.frozen(w))
        case .quantized(let q): q.withBF16Tiles(into: workspace.tile(q.tileRows * q.columns), body)
        }
    }
}

extension QuantizedMatrix {
    /// Calls `body` with each tile of rows (`tileRows` at a time, in row order) dequantized and rounded to
    /// bf16 into `bits` (room for `tileRows · columns`) in one pass: each worker dequantizes a row into a row of
    /// Float32 scratch and rounds it.
    func withBF16Tiles(into bits: UnsafeMutablePointer<UInt16>, _ body: (Range<Int>, UnsafePointer<UInt16>) -> Void) {
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
