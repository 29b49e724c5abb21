/// ggml's block formats to Float32, computed as gguf-py's `gguf.quants.dequantize` does (same float32
/// operations in the same order, so the results are bitwise equal). Blocks of 32 elements:
///
/// - `Q8_0`: fp16 scale `d`, 32 × int8 `q`; value `q · d`.
/// - `Q4_0`: fp16 `d`, 16 bytes; element `j < 16` is the low nibble of byte `j`, element `16 + j` its high
///   nibble; value `(q − 8) · d`.
/// - `Q4_1`: fp16 `d`, fp16 `m`, 16 bytes as in `Q4_0`; value `q · d + m` (a product, then a sum: no fma).
enum GGUFDequantize {
    /// Precondition (checked by `GGUFFile`): `bytes` holds exactly `out.count` elements of `type`.
    static func dequantize(_ bytes: UnsafeRawBufferPointer, type: GGMLType, into out: UnsafeMutableBufferPointer<Float>) {
        let n = out.count
        func half(_ at: Int) -> Float {
            floatFromHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        switch type {
        case .f32:
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0..<n { out[i] = half(2 * i) }
        case .bf16:
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .q8_0:
            for block in 0..<(n / 32) {
                let base = 34 * block
                let d = half(base)
                for j in 0..<32 {
                    out[32 * block + j] = Float(Int8(bitPattern: bytes[base + 2 + j])) * d
                }
            }
        case .q4_0:
            for block in 0..<(n / 32) {
                let base = 18 * block
                let d = half(base)
                for j in 0..<16 {
                    let q = bytes[base + 2 + j]
                    out[32 * block + j] = d * Float(Int(q & 0x0F) - 8)
                    out[32 * block + 16 + j] = d * Float(Int(q >> 4) - 8)
                }
            }
        case .q4_1:
            for block in 0..<(n / 32) {
                let base = 20 * block
                let d = half(base), m = half(base + 2)
                for j in 0..<16 {
                    let q = bytes[base + 4 + j]
                    let low = d * Float(q & 0x0F), high = d * Float(q >> 4)
                    out[32 * block + j] = low + m
                    out[32 * block + 16 + j] = high + m
                }
            }
        default:
            preconditionFailure("GGUFFile refuses \(type.name) before dequantizing")
        }
    }
}
