/// A path pattern in the style of `.gitignore` / `rsync`: `*` matches within one path
/// component, `**` matches any number of whole components (including none), `?` one
/// character, `[abc]` / `[a-z]` / `[!abc]` one character from a set.
///
/// A pattern without `/` matches at any depth (`*.py` is `**/*.py`). Paths are relative,
/// `/`-separated, without a leading `./`.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    let components: [[UInt8]]

    public init(_ pattern: String) {
        self.pattern = pattern
        var text = pattern
        while text.hasPrefix("./") { text.removeFirst(2) }
        if text.hasPrefix("/") { text.removeFirst() }
        if !text.contains("/") { text = "**/" + text }
        if text.hasSuffix("/") { text += "**" }
        components = text.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
    }

    public var description: String { pattern }

    /// Whether `path` (relative, `/`-separated) matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        return Glob.match(components[...], parts[...])
    }

    static func match(_ pattern: ArraySlice<[UInt8]>, _ parts: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pattern.first else { return parts.isEmpty }
        if first == Array("**".utf8) {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var tail = parts
            while true {
                if match(rest, tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        }
        guard let part = parts.first, matchComponent(first[...], part[...]) else { return false }
        return match(pattern.dropFirst(), parts.dropFirst())
    }

    /// Matches one component with `*`, `?` and `[...]`, iteratively with one backtrack point.
    static func matchComponent(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        var pi = p.startIndex, si = s.startIndex
        var starP: Int?, starS = s.startIndex
        while si < s.endIndex {
            if pi < p.endIndex {
                let c = p[pi]
                if c == UInt8(ascii: "*") {
                    starP = pi; starS = si; pi += 1; continue
                }
                if c == UInt8(ascii: "?") { pi += 1; si += 1; continue }
                if c == UInt8(ascii: "["), let (matched, next) = matchClass(p, pi, s[si]) {
                    if matched { pi = next; si += 1; continue }
                } else if c == s[si] {
                    pi += 1; si += 1; continue
                }
            }
            guard let sp = starP else { return false }
            pi = sp + 1; starS += 1; si = starS
        }
        while pi < p.endIndex, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.endIndex
    }

    /// Matches `[...]` starting at `start` against `ch`; nil when the class is not closed
    /// (then `[` is a literal).
    static func matchClass(_ p: ArraySlice<UInt8>, _ start: Int, _ ch: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.endIndex, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.endIndex {
            let c = p[i]
            if c == UInt8(ascii: "]"), !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.endIndex, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                if c <= ch && ch <= p[i + 2] { matched = true }
                i += 3
            } else {
                if c == ch { matched = true }
                i += 1
            }
        }
        return nil
    }
}

/// Include and exclude patterns together: a path is selected when it matches some include
/// (or there are none) and no exclude.
public struct PathSelection: Sendable, Equatable {
    public var include: [Glob]
    public var exclude: [Glob]

    public init(include: [Glob] = [], exclude: [Glob] = []) {
        self.include = include
        self.exclude = exclude
    }

    public func selects(_ path: String) -> Bool {
        if !include.isEmpty, !include.contains(where: { $0.matches(path) }) { return false }
        return !exclude.contains(where: { $0.matches(path) })
    }

    /// Whether a whole directory can be skipped: some exclude matches it as a directory
    /// (`dir/**` style patterns match `dir/x`).
    public func excludesDirectory(_ path: String) -> Bool {
        exclude.contains { $0.matches(path + "/\u{0}") }
    }
}
