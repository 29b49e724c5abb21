import FileFormats
import Problems
@testable import Telemetry
import XCTest

final class TelemetryDecontaminationTests: XCTestCase {
    let problem = EvalProblemText(
        taskID: "P/0",
        prompt: "def interleave_halves(items):\n    \"\"\"Split items into a first and second half and return them interleaved, first half leading.\"\"\"\n",
        canonicalSolution: "    half = (len(items) + 1) // 2\n    out = []\n    for a, b in zip(items[:half], items[half:]):\n        out += [a, b]\n    return out\n")

    func testSuiteFileAndRequireClean() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tel-dc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("probs"), withIntermediateDirectories: true)
        let row: [String: String] = ["task_id": problem.taskID, "prompt": problem.prompt, "canonical_solution": problem.canonicalSolution,
                                     "test": "", "entry_point": "interleave_halves"]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self)
        try (json + "\n").write(to: dir.appendingPathComponent("probs/p.jsonl"), atomically: true, encoding: .utf8)
        let suite = dir.appendingPathComponent("suite.yaml")
        try "name: s\nproblems: probs/p.jsonl\nthresholds:\n  pass@1: 0.1\n".write(to: suite, atomically: true, encoding: .utf8)

        var clean = TelemetryValidationTests.event()
        clean.prefix = "def g():\n"
        let data = dir.appendingPathComponent("events.jsonl")
        try (TelemetryValidationTests.line(clean) + "\n").write(to: data, atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try Decontamination.requireClean(dataset: data, suites: [suite]))

        var leak = TelemetryValidationTests.event("leak")
        leak.prefix = problem.prompt
        leak.suggestion = problem.canonicalSolution
        try (TelemetryValidationTests.line(clean) + "\n" + TelemetryValidationTests.line(leak) + "\n").write(to: data, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Decontamination.requireClean(dataset: data, suites: [suite])) {
            XCTAssertTrue("\($0)".contains("P/0"), "\($0)")
        }
        let report = try Decontamination.requireClean(dataset: data, suites: [suite], allowContaminated: true)
        XCTAssertEqual(report[0].firstMatch, "\(data.path):2")
        XCTAssertGreaterThan(report[0].solutionMatched, 0)

        try "name: s\n".write(to: suite, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EvalProblemText.load(suiteOrProblems: suite)) { XCTAssertTrue("\($0)".contains("problems")) }
    }

    /// Generated exercises must not copy HumanEval: no 13-gram in common with any prompt or solution.
    func testExercisesAreDistinctFromHumanEval() throws {
        guard let he = Self.humanEvalPath() else { throw XCTSkip("HumanEval.jsonl.gz not found") }
        var idx = ContaminationIndex(problems: try EvalProblemText.load(suiteOrProblems: he))
        XCTAssertEqual(idx.problems.count, 164)
        for i in 0..<(ExerciseTelemetry.familyCount * 3) {
            let ex = ExerciseTelemetry.exercise(seed: UInt64(i / ExerciseTelemetry.familyCount), index: i)
            idx.scan(ex.prompt + ex.solution + ex.tests, place: ex.family)
        }
        let hits = idx.overlaps.filter(\.contaminated)
        XCTAssertTrue(hits.isEmpty, hits.map { "\($0.taskID) via \($0.firstMatch ?? "")" }.joined(separator: ", "))
    }

    /// …and from the project's own eval problems.
    func testExercisesAreDistinctFromBasicPython() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Evals/basic-python.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("Evals/basic-python.jsonl not present") }
        var idx = ContaminationIndex(problems: try EvalProblemText.load(suiteOrProblems: url))
        for i in 0..<(ExerciseTelemetry.familyCount * 4) {
            let ex = ExerciseTelemetry.exercise(seed: UInt64(i / ExerciseTelemetry.familyCount), index: i)
            idx.scan(ex.prompt + ex.solution + ex.tests, place: ex.family)
            for v in ex.brokenVariants { idx.scan(ex.prompt + v, place: ex.family + " variant") }
        }
        let hits = idx.overlaps.filter(\.contaminated)
        XCTAssertTrue(hits.isEmpty, hits.map { "\($0.taskID) via \($0.firstMatch ?? "")" }.joined(separator: ", "))
    }

    /// HumanEval where the evaluator finds it for `Evals/humaneval.yaml`, or nil.
    static func humanEvalPath() -> URL? {
        let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Evals/humaneval.yaml")
        return (try? HumanEvalLocation.resolve(explicit: nil, suiteFile: suite.path)).map { URL(fileURLWithPath: $0) }
    }
}
