/// Text for XML (and SVG) attribute values and character data.
public enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` — and `'` when `apostrophes` is true — as entities, and the characters
    /// XML 1.0 cannot hold dropped: control characters other than tab, newline and carriage return, and
    /// U+FFFE / U+FFFF. Escapes scalar by scalar, so a markup character followed by a combining mark is
    /// escaped too.
    public static func escaped(_ text: String, apostrophes: Bool = true) -> String {
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophes: out += "&apos;"
            default:
                let v = u.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000 {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
