import Foundation

/// Python source with its names normalised, for telling two functions apart by what they compute rather
/// than what they call things: comments, docstrings and annotations never reach the key.
public enum PythonNames {
    static let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
                                        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
                                        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"]
    static let builtins: Set<String> = ["abs", "all", "any", "bin", "bool", "dict", "enumerate", "filter", "float", "format", "int", "isinstance",
                                        "len", "list", "map", "max", "min", "next", "ord", "chr", "print", "range", "reversed", "round", "set",
                                        "sorted", "str", "sum", "tuple", "zip", "divmod", "pow", "hex", "oct", "iter", "type", "object"]

    /// Tokens of `source`: names, numbers, string literals (triple-quoted ones dropped: docstrings) and
    /// operators; comments and whitespace dropped.
    static func tokens(_ source: String) -> [String] {
        var out: [String] = []
        let s = Array(source.unicodeScalars)
        var i = 0
        func isName(_ c: Unicode.Scalar) -> Bool { CharacterSet.alphanumerics.contains(c) || c == "_" }
        while i < s.count {
            let c = s[i]
            if c == "#" { while i < s.count && s[i] != "\n" { i += 1 }; continue }
            if CharacterSet.whitespacesAndNewlines.contains(c) { i += 1; continue }
            if c == "'" || c == "\"" {
                let triple = i + 2 < s.count && s[i + 1] == c && s[i + 2] == c
                let start = i
                i += triple ? 3 : 1
                while i < s.count {
                    if s[i] == "\\" { i += 2; continue }
                    if triple ? (i + 2 < s.count && s[i] == c && s[i + 1] == c && s[i + 2] == c) : s[i] == c { i += triple ? 3 : 1; break }
                    if !triple && s[i] == "\n" { break }
                    i += 1
                }
                if !triple { out.append(String(String.UnicodeScalarView(s[start..<min(i, s.count)]))) }
                continue
            }
            if isName(c) {
                let start = i
                while i < s.count && isName(s[i]) { i += 1 }
                out.append(String(String.UnicodeScalarView(s[start..<i])))
                continue
            }
            let two = i + 1 < s.count ? String(String.UnicodeScalarView(s[i...(i + 1)])) : ""
            if ["==", "!=", "<=", ">=", "//", "**", "+=", "-=", "*=", "->", "%="].contains(two) { out.append(two); i += 2; continue }
            out.append(String(c)); i += 1
        }
        return out
    }

    /// The parameter names of the first `def` in `prompt`, in order.
    public static func parameters(_ prompt: String) -> [String] {
        let t = tokens(prompt)
        guard let d = t.firstIndex(of: "def"), d + 2 < t.count, t[d + 2] == "(" else { return [] }
        var names: [String] = [], depth = 0, expectName = true
        for tok in t[(d + 3)...] {
            if tok == "(" || tok == "[" { depth += 1; continue }
            if tok == ")" || tok == "]" { if depth == 0 { break }; depth -= 1; continue }
            if depth == 0 && tok == "," { expectName = true; continue }
            if expectName && depth == 0 && tok != "*" && tok != "/" { names.append(tok); expectName = false }
        }
        return names
    }

    /// What a function computes, names aside: its body's tokens with the parameters renamed `p0, p1, …`
    /// (signature order) and every other non-built-in name `v0, v1, …` in order of first use. The
    /// function's own name, annotations and docstring do not count.
    public static func bodyKey(prompt: String, body: String) -> String {
        var map: [String: String] = [:]
        for (i, p) in parameters(prompt).enumerated() where map[p] == nil { map[p] = "p\(i)" }
        var next = 0
        var previous = ""
        return tokens(body).map { tok in
            defer { previous = tok }
            guard let f = tok.unicodeScalars.first, CharacterSet.letters.contains(f) || f == "_",
                  !keywords.contains(tok), !builtins.contains(tok), previous != "." else { return tok }
            if let m = map[tok] { return m }
            // Attribute names (`.append`) stay as they are: they name operations, not variables.
            let m = "v\(next)"; next += 1; map[tok] = m; return m
        }.joined(separator: " ")
    }
}
