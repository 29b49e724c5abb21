import FileFormats
import Foundation
import Problems

/// Keeps generated training problems away from the eval suites, two ways: no 13-gram (lower-cased words,
/// as `ContaminationIndex`) shared with a suite problem's prompt or canonical solution, and no body that
/// computes the same thing as a suite's canonical solution once names are normalised (`PythonNames.bodyKey`).
public struct SuiteDecontamination: Sendable {
    let ngrams: Set<UInt64>
    let bodyKeys: [String: String]
    public let n: Int
    public var problemCount: Int

    public init(problems: [EvalProblemText], n: Int = 13) {
        self.n = n
        problemCount = problems.count
        var grams = Set<UInt64>()
        var keys: [String: String] = [:]
        for p in problems {
            grams.formUnion(ContaminationIndex.ngramHashes(ContaminationIndex.words(p.prompt), n: n))
            grams.formUnion(ContaminationIndex.ngramHashes(ContaminationIndex.words(p.canonicalSolution), n: n))
            if !p.canonicalSolution.isEmpty { keys[PythonNames.bodyKey(prompt: p.prompt, body: p.canonicalSolution)] = p.taskID }
        }
        ngrams = grams
        bodyKeys = keys
    }

    /// Every problem of the suites (YAML) or problems files at `urls`.
    public init(suites urls: [URL], n: Int = 13) throws {
        var problems: [EvalProblemText] = []
        for u in urls { problems += try EvalProblemText.load(suiteOrProblems: u) }
        self.init(problems: problems, n: n)
    }

    public enum Verdict: Equatable, Sendable {
        case clean
        /// Shares an n-gram with a suite problem's text.
        case sharesNgram
        /// Its body equals the canonical solution of this suite problem after renaming.
        case sameAs(String)
    }

    public func check(prompt: String, body: String) -> Verdict {
        if let id = bodyKeys[PythonNames.bodyKey(prompt: prompt, body: body)] { return .sameAs(id) }
        for h in ContaminationIndex.ngramHashes(ContaminationIndex.words(prompt + body), n: n) where ngrams.contains(h) { return .sharesNgram }
        return .clean
    }
}
