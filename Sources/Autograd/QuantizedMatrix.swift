// QuantizedMatrix: a frozen [out, in] weight kept in ggml's 32-element blocks, dequantized tile by tile
// inside each product (QLoRA-style base weights).

/// A frozen matrix W [rows, columns] (`nn.Linear`'s [out, in]) stored row by row in ggml blocks of 32
/// elements — the byte layouts of GGUF's `Q4_1` and `Q8_0`, so `FileFormats`' GGUF dequantizer reads them:
///
/// - `q4_1` (20 bytes / 32 values, 5 bits each): fp16 scale `d`, fp16 minimum `m`, 16 bytes of nibbles
///   (element `j < 16` the low nibble of byte `j`, `16 + j` its high nibble); value `q · d + m`.
///   Quantized as ggml's `quantize_row_q4_1_ref`: `d = (max − min) / 15`, `q = min(15, ⌊(x − min)/d + 0.5⌋)`.
/// - `q8_0` (34 bytes / 32 values): fp16 scale `d = max|x| / 127`, 32 × int8 `q = round(x / d)`; value `q · d`.
///
/// Products never hold the whole matrix in Float32: `tileRows` rows are dequantized into a scratch buffer
/// (≤ `tileFloats` floats) and multiplied, then the next tile. Precondition: `columns % 32 == 0`.
public final class QuantizedMatrix: @unchecked Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case q4_1, q8_0
        /// Bytes per block of 32 values.
        public var blockBytes: Int { self == .q4_1 ? 20 : 34 }
    }

    public let rows: Int
    public let columns: Int
    public let format: Format
    /// `rows · columns / 32` blocks, row-major. Immutable after init (so products may run concurrently).
    let blocks: UnsafeMutableRawPointer
    /// Largest Float32 scratch (floats) one product dequantizes into at a time.
    public static let tileFloats = 1 << 18

    /// Quantizes `w` [rows, columns] row-major.
    public init(quantizing w: UnsafePointer<Float>, rows: Int, columns: Int, format: Format) {
        precondition(columns % 32 == 0, "QuantizedMatrix: \(columns) columns is not a multiple of 32")
        self.rows = rows
        self.columns = columns
        self.format = format
        let blockCount = rows * columns / 32
        blocks = .allocate(byteCount: max(1, blockCount * format.blockBytes), alignment: 16)
        Parallel.forRanges(blockCount, costPerItem: 64) { r in
            for b in r { Self.quantizeBlock(w + 32 * b, into: self.blocks + b * format.blockBytes, format: format) }
        }
    }

    deinit { blocks.deallocate() }

    /// Bytes held by the blocks.
    public var byteCount: Int { rows * columns / 32 * format.blockBytes }

    /// The block bytes (GGUF's layout for `format`), for tests against the GGUF dequantizer.
    public var blockBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: blocks, count: byteCount) }

    /// Rows `range` of W as Float32 into `out` [range.count, columns].
    public func dequantizeRows(_ range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let perRow = columns / 32
        Parallel.forRanges(range.count * perRow, costPerItem: 64) { r in
            for i in r {
                let b = range.lowerBound * perRow + i
                Self.dequantizeBlock(self.blocks + b * self.format.blockBytes, into: out + 32 * i, format: self.format)
            }
        }
    }

    /// Rows per tile: as many as fit `tileFloats`, at least one.
    var tileRows: Int { max(1, min(rows, Self.tileFloats / max(columns, 1))) }

    /// y[R, rows] = x[R, columns] · Wᵀ (+ beta · y). `ldy` is y's row stride (default `rows`).
    public func multiplyTransposed(_ x: UnsafePointer<Float>, count r: Int, into y: UnsafeMutablePointer<Float>, beta: Float) {
        withTiles { range, tile in
            sgemm(transA: false, transB: true, m: r, n: range.count, k: columns, a: x, lda: columns,
                  b: tile, ldb: columns, beta: beta, c: y + range.lowerBound, ldc: rows)
        }
    }

    /// dx[R, columns] = dy[R, rows] · W (+ beta · dx).
    public func multiply(_ dy: UnsafePointer<Float>, count r: Int, into dx: UnsafeMutablePointer<Float>, beta: Float) {
        withTiles { range, tile in
            sgemm(transA: false, transB: false, m: r, n: columns, k: range.count, a: dy + range.lowerBound, lda: rows,
                  b: tile, ldb: columns, beta: range.lowerBound == 0 ? beta : 1, c: dx, ldc: columns)
        }
    }

    /// Calls `body` with each tile of rows dequantized, in row order, from one scratch buffer.
    private func withTiles(_ body: (Range<Int>, UnsafePointer<Float>) -> Void) {
        let step = tileRows
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, step * columns))
        defer { scratch.deallocate() }
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + step)
            dequantizeRows(range, into: scratch)
            body(range, scratch)
            start = range.upperBound
        }
    }

    // MARK: Blocks

    static func quantizeBlock(_ x: UnsafePointer<Float>, into out: UnsafeMutableRawPointer, format: Format) {
        switch format {
        case .q4_1:
            var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
            for j in 0..<32 { lo = min(lo, x[j]); hi = max(hi, x[j]) }
            let d = (hi - lo) / 15
            let id: Float = d != 0 ? 1 / d : 0
            storeHalf(d, out)
            storeHalf(lo, out + 2)
            for j in 0..<16 {
                let q0 = min(15, Int((x[j] - lo) * id + 0.5)), q1 = min(15, Int((x[16 + j] - lo) * id + 0.5))
                out.storeBytes(of: UInt8(q0) | UInt8(q1) << 4, toByteOffset: 4 + j, as: UInt8.self)
            }
        case .q8_0:
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            storeHalf(d, out)
            for j in 0..<32 {
                out.storeBytes(of: Int8((x[j] * id).rounded()), toByteOffset: 2 + j, as: Int8.self)
            }
        }
    }

    /// The same float operations as `FileFormats.GGUFDequantize` (bitwise equal results).
    @inline(__always)
    static func dequantizeBlock(_ p: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, format: Format) {
        switch format {
        case .q4_1:
            let d = loadHalf(p), m = loadHalf(p + 2)
            for j in 0..<16 {
                let q = p.load(fromByteOffset: 4 + j, as: UInt8.self)
                let low = d * Float(q & 0x0F), high = d * Float(q >> 4)
                out[j] = low + m
                out[16 + j] = high + m
            }
        case .q8_0:
            let d = loadHalf(p)
            for j in 0..<32 { out[j] = Float(p.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        }
    }

    @inline(__always)
    static func loadHalf(_ p: UnsafeRawPointer) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
    }

    @inline(__always)
    static func storeHalf(_ v: Float, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: Float16(v).bitPattern.littleEndian, as: UInt16.self)
    }
}
