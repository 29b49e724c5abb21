/// GPT-2's reversible byte ↔ Unicode-scalar mapping used by byte-level BPE (`tokenizers`' `ByteLevel`).
///
/// Printable bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to the scalar of the same value; the other 68
/// bytes map, in increasing byte order, to U+0100, U+0101, …. A vocabulary entry in `tokenizer.json`
/// is the string of mapped scalars of the token's bytes.
public enum ByteLevel {
    /// `scalarOfByte[b]` is the scalar that stands for byte `b`.
    public static let scalarOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// `byteOfScalar[s]` is the byte for scalar value `s` (< 324), or -1 when `s` stands for no byte.
    public static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, s) in scalarOfByte.enumerated() { table[Int(s.value)] = Int16(b) }
        return table
    }()

    /// The byte-level string of `bytes` (as written in `tokenizer.json` vocabularies and merges).
    public static func string(of bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(scalarOfByte[Int(b)]) }
        return String(s)
    }

    /// The bytes a byte-level string stands for; nil when it holds a scalar outside the mapping.
    public static func bytes(of string: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(string.unicodeScalars.count)
        for s in string.unicodeScalars {
            guard s.value < 324 else { return nil }
            let b = byteOfScalar[Int(s.value)]
            if b < 0 { return nil }
            out.append(UInt8(b))
        }
        return out
    }

    /// The 256 byte tokens in the order `tokenizers`' BpeTrainer puts its initial alphabet:
    /// sorted by the code point of their mapped scalar.
    public static let bytesInAlphabetOrder: [UInt8] = {
        (0..<256).map { UInt8($0) }.sorted { scalarOfByte[Int($0)].value < scalarOfByte[Int($1)].value }
    }()
}
