/// A generated exercise in HumanEval's format (`task_id`, `prompt`, `canonical_solution`, `test` defining
/// `check(candidate)`, `entry_point`), plus the skill chain it was composed from. A problems file of them is
/// read by `ProblemFile.load`, so `codetune eval --canonical` can score it like any suite.
public struct GeneratedProblem: Codable, Sendable, Equatable {
    public var task_id: String
    /// Imports, signature and docstring with `>>>` examples, ending in a newline.
    public var prompt: String
    /// The body, indented four spaces, ending in a newline.
    public var canonical_solution: String
    /// `def check(candidate):` with at least three asserts.
    public var test: String
    public var entry_point: String
    /// The blocks composed, in order, joined by `+` (`ints.keep_even+ints.sum`).
    public var skill: String
}

/// A wrong body for a generated problem, kept only as negative data once its tests reject it.
public struct NegativeExample: Codable, Sendable, Equatable {
    public var task_id: String
    public var prompt: String
    public var completion: String
    /// How it was broken (`mutation: ' < ' -> ' <= '`, `truncated`).
    public var broken_by: String
}

/// Python's reserved words and the built-ins and fixed names the block templates use: never a parameter or variable name.
let reservedNames: Set<String> = ["i", "d", "total", "rest", "count", "a", "b", "_", "amount", "sum", "max", "min", "len", "list", "str",
                                  "int", "set", "dict", "sorted", "range", "all", "any", "map", "next", "abs", "bin", "format",
                                  "reversed", "enumerate", "not", "and", "or", "in", "is", "if", "else", "for", "return", "def",
                                  "True", "False", "None", "lambda", "pass", "from", "import", "class", "with", "while", "result", "check", "candidate"]
