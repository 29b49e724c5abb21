import Foundation

/// A problem with something the user handed us: a config, a dataset, a checkpoint, a JSON line.
///
/// Rendered as one readable line, `FILE:LINE:COL: key.path: problem`, with the parts that are
/// unknown left out. The command line prints it to stderr and exits with status 2.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String?
    /// 1-based line, when the place is known.
    public var line: Int?
    /// 1-based column, when the place is known.
    public var column: Int?
    /// Dotted key path (`stages[1].lr`), tensor name or archive entry.
    public var key: String?
    public var problem: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, key: String? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var place = ""
        if let file { place = file }
        if let line {
            place += place.isEmpty ? "line \(line)" : ":\(line)"
            if let column { place += ":\(column)" }
        }
        var parts: [String] = []
        if !place.isEmpty { parts.append(place) }
        if let key, !key.isEmpty { parts.append(key) }
        parts.append(problem)
        return parts.joined(separator: ": ")
    }
}

/// Several input problems found in one pass (a config is validated whole before any work starts).
public struct InputErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [InputError]
    public init(_ errors: [InputError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// The closest candidate by edit distance, for "did you mean" hints; nil when nothing is close.
public func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if d <= max(2, c.count / 3), best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

/// Levenshtein distance between two strings, by Unicode scalars.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
