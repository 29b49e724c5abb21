/// A string literal in one of the syntaxes codetune writes: the text between delimiters, with what that
/// syntax needs escaped. Every style escapes its delimiter, the backslash, newline (`\n`) and tab (`\t`);
/// the styles differ only in the other control characters (C0, U+0000–U+001F), as listed per case.
/// Everything else, non-ASCII included, is written as it is (UTF-8 when the result is written out).
public enum StringLiteral: Sendable {
    /// A JSON string as serde_json writes it (tokenizers' `tokenizer.json`): also `\r`, `\b`, `\f`;
    /// the other control characters as `\u00xx` (lowercase hex).
    case json
    /// A JSON string with only `\r` short as well: backspace and form feed are `\u0008` and `\u000c` like
    /// the other control characters (codetune's safetensors headers).
    case jsonUnicodeControls
    /// A YAML double-quoted scalar: no other escapes (control characters are written as they are).
    case yamlDoubleQuoted
    /// A Python single-quoted `str` literal: no other escapes.
    case pythonSingleQuoted

    /// `text` between this style's delimiters, escaped.
    public func quote(_ text: String) -> String {
        let delimiter: Unicode.Scalar = self == .pythonSingleQuoted ? "'" : "\""
        let isJSON = self == .json || self == .jsonUnicodeControls
        var out = String(delimiter)
        for u in text.unicodeScalars {
            switch u {
            case delimiter: out += "\\"; out.unicodeScalars.append(u)
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r" where isJSON: out += "\\r"
            case "\u{08}" where self == .json: out += "\\b"
            case "\u{0C}" where self == .json: out += "\\f"
            default:
                if isJSON && u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.unicodeScalars.append(delimiter)
        return out
    }
}
