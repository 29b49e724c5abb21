/// The four classes the GPT-2 pre-tokenization pattern tells apart: `\p{L}`, `\p{N}`, `\s` and the rest.
///
/// `\s` is the Unicode `White_Space` property (what Oniguruma, used by `tokenizers`, matches):
/// U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
/// `\p{L}` is general category L (Lu Ll Lt Lm Lo); `\p{N}` is N (Nd Nl No).
@usableFromInline
enum ScalarClass: UInt8, Sendable {
    case letter = 0, number = 1, whitespace = 2, other = 3

    /// Classes of scalars below `tableLimit`, computed once (covers the BMP and the CJK extension plane).
    @usableFromInline
    static let table: [ScalarClass] = (0..<UInt32(tableLimit)).map { v in
        Unicode.Scalar(v).map(classify) ?? .other
    }

    @usableFromInline static let tableLimit = 0x30000

    @inlinable
    static func of(_ value: UInt32) -> ScalarClass {
        if value < UInt32(tableLimit) { return table[Int(value)] }
        return Unicode.Scalar(value).map(classify) ?? .other
    }

    @usableFromInline
    static func classify(_ s: Unicode.Scalar) -> ScalarClass {
        let p = s.properties
        if p.isWhitespace { return .whitespace }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }
}
