import Foundation

/// An evaluation problem's texts that training data must not contain.
public struct EvalProblemText: Sendable, Equatable {
    public var taskID: String
    public var prompt: String
    public var canonicalSolution: String
    public init(taskID: String, prompt: String, canonicalSolution: String) {
        self.taskID = taskID; self.prompt = prompt; self.canonicalSolution = canonicalSolution
    }
}

extension EvalProblemText {
    /// The problem texts of a suite YAML (its `problems:` file, `humaneval` found as `EvalSuite.problemsFile()`
    /// finds it) or of a problems file given directly (`.jsonl`, `.jsonl.gz`). Suites are read with
    /// `EvalSuite.load` and problems with `ProblemFile.load(_:requirement: .texts)`: the same readers as the
    /// evaluator's, so a check reads the very file that is scored; a missing `canonical_solution` is "".
    public static func load(suiteOrProblems url: URL) throws -> [EvalProblemText] {
        var problemsFile = url
        if ["yaml", "yml"].contains(url.pathExtension.lowercased()) {
            problemsFile = URL(fileURLWithPath: try EvalSuite.load(url).problemsFile())
        }
        return try ProblemFile.load(problemsFile, requirement: .texts).map {
            EvalProblemText(taskID: $0.task_id, prompt: $0.prompt, canonicalSolution: $0.canonical_solution ?? "")
        }
    }
}
