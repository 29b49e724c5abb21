import SeededRandom

/// Builds an `Exercise` from a family's parts: parameters, docstring, body, test cases.
struct ExerciseBuilder {
    var rng: SplitMix64

    /// A word from a list of ordinary words, for names and data.
    mutating func word() -> String { rng.pick(Self.words) }

    static let words = ["apple", "river", "stone", "cloud", "maple", "tiger", "lemon", "cabin", "delta", "ember",
                        "frost", "grape", "harbor", "island", "jungle", "kettle", "lantern", "meadow", "nectar", "orbit",
                        "pepper", "quartz", "raven", "sunset", "tulip", "umber", "violet", "willow", "yonder", "zephyr",
                        "acorn", "bridge", "canyon", "dune", "echo", "falcon", "garnet", "hollow", "ivory", "juniper"]

    mutating func ints(_ n: Int, _ range: ClosedRange<Int>) -> [Int] {
        (0..<n).map { _ in rng.int(range.lowerBound..<(range.upperBound + 1)) }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { rng.int(range.lowerBound..<(range.upperBound + 1)) }

    mutating func pick<T>(_ xs: [T]) -> T { rng.pick(xs) }

    /// The exercise: `def name(params) -> returns:` with `doc` and the first case as a doctest example.
    /// `cases` are (argument literals, expected literal); `body` uses the parameter names given.
    mutating func make(family: String, name: String, params: [(String, String)], returns: String, doc: String,
                       body: String, cases: [([String], String)], imports: String = "") -> Exercise {
        let signature = params.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        let example = cases[0]
        var prompt = imports.isEmpty ? "" : imports + "\n\n\n"
        prompt += "def \(name)(\(signature)) -> \(returns):\n"
        prompt += "    \"\"\"\(doc)\n\n"
        prompt += "    >>> \(name)(\(example.0.joined(separator: ", ")))\n"
        prompt += "    \(example.1)\n"
        prompt += "    \"\"\"\n"
        var tests = ""
        for (args, expected) in cases {
            tests += "assert \(name)(\(args.joined(separator: ", "))) == \(expected)\n"
        }
        let solution = body.hasSuffix("\n") ? body : body + "\n"
        return Exercise(family: family, functionName: name, prompt: prompt, solution: solution, tests: tests,
                        brokenVariants: brokenVariants(of: solution))
    }

    static let mutations: [(String, String)] = [
        (" <= ", " < "), (" < ", " <= "), (" >= ", " > "), (" > ", " >= "), (" == ", " != "), (" != ", " == "),
        (" + 1", ""), (" - 1", ""), (" and ", " or "), (" or ", " and "), ("max(", "min("), ("min(", "max("),
        ("[1:]", "[2:]"), ("range(1, ", "range(2, "), ("range(2, ", "range(3, "), (" += ", " -= "), (".lower()", ".upper()"),
        ("True", "False"), ("False", "True"), (" % ", " // "), (" * ", " + "), ("[::-1]", ""), ("reverse=True", "reverse=False"),
        ("return ", "return not "), (".append(", ".insert(0, "), (" + ", " - "), ("[0]", "[-1]"), ("[-1]", "[0]"),
        ("sorted(", "list("), (".strip()", ""), ("0", "1"), ("1", "0"),
    ]

    /// Up to two wrong bodies: one operator or constant mutation and one body cut off after its first line.
    mutating func brokenVariants(of body: String) -> [String] {
        var out: [String] = []
        var candidates = Self.mutations.filter { body.contains($0.0) }
        while !candidates.isEmpty {
            let i = rng.int(0..<candidates.count)
            let (from, to) = candidates.remove(at: i)
            let ranges = body.ranges(of: from)
            guard !ranges.isEmpty else { continue }
            let r = ranges[rng.int(0..<ranges.count)]
            let mutated = body.replacingCharacters(in: r, with: to)
            if mutated != body { out.append(mutated); break }
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        if lines.count >= 2 {
            let keep = max(1, lines.count / 2)
            out.append(lines.prefix(keep).joined(separator: "\n") + "\n")
        }
        return out
    }
}

extension String {
    func ranges(of needle: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var start = startIndex
        while let r = range(of: needle, range: start..<endIndex) { out.append(r); start = r.upperBound }
        return out
    }
}
