@testable import Exercises
import Foundation
import Problems
import Sandbox
import XCTest

final class ExerciseGeneratorTests: XCTestCase {
    func sandboxRunner() throws -> SelfCheckingProgramRunner {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("python3 not available") }
        var limits = SandboxLimits()
        limits.timeoutSeconds = 30
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: .rlimits, python: python, limits: limits))
        do { try runner.probe() } catch { throw XCTSkip("the rlimits sandbox cannot run here: \(error)") }
        return runner
    }

    func testTheSameSeedGivesTheSameProblemsAndAnotherSeedOthers() {
        let composer = ProblemComposer()
        let a = (0..<300).compactMap { composer.problem(seed: 7, index: $0) }
        let b = (0..<300).compactMap { composer.problem(seed: 7, index: $0) }
        let c = (0..<300).compactMap { composer.problem(seed: 8, index: $0) }
        XCTAssertGreaterThan(a.count, 200)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.map(\.prompt), c.map(\.prompt))
        for p in a {
            XCTAssertTrue(p.prompt.contains("def \(p.entry_point)("), p.prompt)
            XCTAssertTrue(p.prompt.contains(">>> \(p.entry_point)("), p.prompt)
            XCTAssertGreaterThanOrEqual(p.test.components(separatedBy: "assert candidate(").count - 1, 3, p.test)
        }
        XCTAssertGreaterThan(Set(a.map(\.skill)).count, 150, "compositions vary")
        XCTAssertGreaterThanOrEqual(ExerciseGeneration.blockCount, 200)
    }

    func testEverySolutionVerifiesAndABrokenVariantIsRejected() throws {
        let verifier = BatchVerifier(runner: try sandboxRunner(), workers: 1)
        let composer = ProblemComposer()
        let problems = (0..<150).compactMap { composer.problem(seed: 3, index: $0) }
        let good = problems.map { BatchVerifier.Program(source: ExerciseGeneration.program($0, body: $0.canonical_solution), shouldPass: true) }
        // A wrong body for each: return a value of the wrong type, which no test accepts.
        let broken = problems.map { BatchVerifier.Program(source: ExerciseGeneration.program($0, body: "    return object()\n"), shouldPass: false) }
        let verdicts = verifier.verify(good + broken)
        let failedSolutions = zip(problems, verdicts.prefix(problems.count)).filter { !$0.1 }.map(\.0.skill)
        XCTAssertEqual(failedSolutions, [], "canonical solutions must pass their tests")
        XCTAssertTrue(verdicts.suffix(problems.count).allSatisfy { $0 }, "broken bodies must fail")
        // A broken body expected to pass is reported as unexpected, wherever it sits in the batch.
        var mixed = good
        mixed[37] = BatchVerifier.Program(source: broken[37].source, shouldPass: true)
        let v = verifier.verify(mixed)
        XCTAssertEqual(v.indices.filter { !v[$0] }, [37])
    }

    func testGenerationVerifiesDeduplicatesAndKeepsRejectedVariantsAsNegatives() throws {
        var verifier = BatchVerifier(runner: try sandboxRunner(), workers: 2)
        verifier.batchSize = 64
        var o = ExerciseGeneration.Options()
        o.count = 300
        o.seed = 11
        o.chunk = 200
        let (problems, negatives, s) = ExerciseGeneration.generate(o, verifier: verifier)
        XCTAssertEqual(problems.count, 300)
        XCTAssertEqual(s.failedVerification, 0, "\(s.failedSkills)")
        XCTAssertEqual(Set(problems.map(\.task_id)).count, problems.count)
        XCTAssertGreaterThan(negatives.count, 100)
        // Negatives really fail their problem's tests, and never equal the canonical solution.
        let byID = Dictionary(uniqueKeysWithValues: problems.map { ($0.task_id, $0) })
        let checks = negatives.prefix(60).map { n in
            BatchVerifier.Program(source: ExerciseGeneration.program(byID[n.task_id]!, body: n.completion), shouldPass: false)
        }
        XCTAssertTrue(verifier.verify(Array(checks)).allSatisfy { $0 })
        XCTAssertTrue(negatives.allSatisfy { $0.completion != byID[$0.task_id]!.canonical_solution })
        // Same seed, same output.
        let again = ExerciseGeneration.generate(o, verifier: verifier)
        XCTAssertEqual(again.0, problems)
        // Against a suite holding two of these problems, both are dropped and counted by suite task id.
        o.decontamination = SuiteDecontamination(problems: problems.prefix(2).enumerated().map {
            EvalProblemText(taskID: "suite/\($0.offset)", prompt: $0.element.prompt, canonicalSolution: $0.element.canonical_solution)
        })
        let (clean, _, cs) = ExerciseGeneration.generate(o, verifier: verifier)
        XCTAssertFalse(clean.contains(problems[0]) || clean.contains(problems[1]))
        XCTAssertEqual(Set(cs.sameAsByProblem.keys), ["suite/0", "suite/1"])
        XCTAssertEqual(cs.sameAsByProblem.values.reduce(0, +), cs.sameAsSuiteProblem)
    }

    func testParameterNamesAreVariedEnoughThatOnlyTheSignatureTellsThem() {
        let composer = ProblemComposer()
        let problems = (0..<3000).compactMap { composer.problem(seed: 3, index: $0) }
        let firstParameters = problems.compactMap { PythonNames.parameters($0.prompt).first }
        let counts = Dictionary(firstParameters.map { ($0, 1) }, uniquingKeysWith: +)
        XCTAssertGreaterThan(counts.count, 400, "hundreds of distinct names")
        XCTAssertLessThan(Double(counts.values.max() ?? 0) / Double(firstParameters.count), 0.03, "no name is a safe guess")
        XCTAssertTrue(counts.keys.allSatisfy { !reservedNames.contains($0) && $0.range(of: "^[a-z_][a-z0-9_]*$", options: .regularExpression) != nil })
        // the body really uses the parameter it was given
        for p in problems.prefix(500) {
            let name = PythonNames.parameters(p.prompt)[0]
            XCTAssertNotNil(p.canonical_solution.range(of: "\\b\(name)\\b", options: .regularExpression), p.task_id)
        }
    }

    func testDuplicatesUnderOtherNamesAreDropped() {
        let composer = ProblemComposer()
        let p = (0..<50).compactMap { composer.problem(seed: 5, index: $0) }.first { PythonNames.parameters($0.prompt).count == 1 }!
        let param = PythonNames.parameters(p.prompt)[0]
        func renamed(_ s: String) -> String {
            s.replacingOccurrences(of: "\\b\(param)\\b", with: "renamed_arg", options: .regularExpression)
             .replacingOccurrences(of: "\\b\(p.entry_point)\\b", with: "other_name", options: .regularExpression)
        }
        var q = p
        q.prompt = renamed(p.prompt); q.canonical_solution = renamed(p.canonical_solution); q.entry_point = "other_name"
        XCTAssertNotEqual(p.prompt, q.prompt)
        XCTAssertEqual(PythonNames.bodyKey(prompt: p.prompt, body: p.canonical_solution),
                       PythonNames.bodyKey(prompt: q.prompt, body: q.canonical_solution))
        XCTAssertEqual(ExerciseGeneration.isDuplicate(p, of: q), true)
    }

    func testAProblemEqualToASuiteProblemAfterRenamingIsDropped() {
        let composer = ProblemComposer()
        let problems = (0..<400).compactMap { composer.problem(seed: 9, index: $0) }
        let target = problems[10]
        // A suite problem computing the same thing under other names and another docstring.
        let params = PythonNames.parameters(target.prompt)
        var body = target.canonical_solution, sig = "def suite_task(" + params.indices.map { "arg\($0)" }.joined(separator: ", ") + "):\n"
        for (i, name) in params.enumerated() { body = body.replacingOccurrences(of: "\\b\(name)\\b", with: "arg\(i)", options: .regularExpression) }
        sig += "    \"\"\"Some other wording of the task.\"\"\"\n"
        let suite = SuiteDecontamination(problems: [EvalProblemText(taskID: "suite/1", prompt: sig, canonicalSolution: body)])
        XCTAssertEqual(suite.check(prompt: target.prompt, body: target.canonical_solution), SuiteDecontamination.Verdict.sameAs("suite/1"))
        let clean = problems.filter { suite.check(prompt: $0.prompt, body: $0.canonical_solution) == .clean }
        XCTAssertFalse(clean.contains(target))
        XCTAssertGreaterThan(clean.count, 300)
        // And a 13-gram of a suite prompt is caught too.
        let words = SuiteDecontamination(problems: [EvalProblemText(taskID: "suite/2", prompt: target.prompt, canonicalSolution: "")])
        XCTAssertEqual(words.check(prompt: target.prompt, body: target.canonical_solution), SuiteDecontamination.Verdict.sharesNgram)
    }
}
