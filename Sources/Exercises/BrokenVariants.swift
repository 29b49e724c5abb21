import SeededRandom

/// Wrong bodies made from a right one: one operator or constant mutated, or the body cut after its first
/// half. They are negative data only, and only once the problem's tests reject them.
enum BrokenVariants {
    static let mutations: [(String, String)] = [
        (" <= ", " < "), (" < ", " <= "), (" >= ", " > "), (" > ", " >= "), (" == ", " != "), (" != ", " == "),
        (" + 1", ""), (" - 1", ""), (" and ", " or "), (" or ", " and "), ("max(", "min("), ("min(", "max("),
        ("[1:]", "[2:]"), ("range(1, ", "range(2, "), (" += ", " -= "), (".lower()", ".upper()"), (".upper()", ".lower()"),
        ("True", "False"), ("False", "True"), (" % ", " // "), (" * ", " + "), ("[::-1]", ""), ("reverse=True", "reverse=False"),
        ("return ", "return not "), (".append(", ".insert(0, "), (" + ", " - "), ("[0]", "[-1]"), ("[-1]", "[0]"),
        ("sorted(", "list("), (".strip()", ""), ("0", "1"), ("1", "0"), ("2", "3"), ("sum(", "len("),
    ]

    /// Up to two broken bodies with how each was made.
    static func of(_ body: String, rng: inout SplitMix64) -> [(body: String, how: String)] {
        var out: [(String, String)] = []
        var candidates = mutations.filter { body.contains($0.0) }
        while !candidates.isEmpty {
            let (from, to) = candidates.remove(at: rng.int(0..<candidates.count))
            var ranges: [Range<String.Index>] = []
            var start = body.startIndex
            while let r = body.range(of: from, range: start..<body.endIndex) { ranges.append(r); start = r.upperBound }
            guard !ranges.isEmpty else { continue }
            let mutated = body.replacingCharacters(in: ranges[rng.int(0..<ranges.count)], with: to)
            if mutated != body { out.append((mutated, "mutation: '\(from)' -> '\(to)'")); break }
        }
        let lines = body.split(separator: "\n").filter { !$0.isEmpty }
        if lines.count >= 3 {
            out.append((lines.prefix(lines.count / 2).joined(separator: "\n") + "\n", "truncated"))
        }
        return out
    }
}
