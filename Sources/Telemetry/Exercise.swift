import FileFormats
import Sandbox

/// A small Python programming exercise: a function with a docstring, a solution, tests that check it,
/// and broken variants of the solution (which the tests must reject).
public struct Exercise: Sendable, Equatable {
    /// Which generator family made it (`reverse_words`, `gcd`, …).
    public var family: String
    public var functionName: String
    /// Signature and docstring (with one example), ending in a newline: the editor's prefix.
    public var prompt: String
    /// The function body (indented four spaces), ending in a newline: the accepted completion.
    public var solution: String
    /// Python statements (`assert …`) that pass exactly when the function is right.
    public var tests: String
    /// Wrong bodies (a mutated operator, a truncated body …): rejected completions once tests fail them.
    public var brokenVariants: [String]

    /// `body` against the tests, split for the sandbox: the tests run in a judging process where
    /// `functionName` is a stub answered by the body's process.
    public func judgedSample(body: String) -> JudgedSample {
        JudgedSample(prompt: prompt, completion: body + "\n", test: tests, entryPoint: functionName, callCheck: false)
    }
}

/// Python literals for exercise inputs and expected values.
enum PythonLiteral {
    static func str(_ s: String) -> String { StringLiteral.pythonSingleQuoted.quote(s) }
    static func ints(_ xs: [Int]) -> String { "[" + xs.map(String.init).joined(separator: ", ") + "]" }
    static func strs(_ xs: [String]) -> String { "[" + xs.map(str).joined(separator: ", ") + "]" }
    static func bool(_ b: Bool) -> String { b ? "True" : "False" }
    static func dict(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
    static func float(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(format: "%.1f", r) : String(r)
    }
}
