@testable import Corpus
import XCTest

final class TelemetryExerciseTests: XCTestCase {
    func testAtLeastThirtyFamiliesAcrossCategories() {
        XCTAssertGreaterThanOrEqual(ExerciseTelemetry.familyCount, 30)
        let names = Set((0..<ExerciseTelemetry.familyCount).map { ExerciseTelemetry.exercise(seed: 1, index: $0).family })
        XCTAssertEqual(names.count, ExerciseTelemetry.familyCount, "each index in a round is a different family")
    }

    func testSameSeedSameExerciseAndSeedsVary() {
        let a = ExerciseTelemetry.exercise(seed: 7, index: 3), b = ExerciseTelemetry.exercise(seed: 7, index: 3)
        XCTAssertEqual(a, b)
        let variants = Set((0..<8).map { ExerciseTelemetry.exercise(seed: UInt64($0), index: 3).prompt })
        XCTAssertGreaterThan(variants.count, 3, "names, constants and wording vary with the seed")
    }

    func testPromptShape() {
        let ex = ExerciseTelemetry.exercise(seed: 3, index: 0)
        XCTAssertTrue(ex.prompt.hasPrefix("def \(ex.functionName)("))
        XCTAssertTrue(ex.prompt.contains("\"\"\""))
        XCTAssertTrue(ex.prompt.contains(">>> \(ex.functionName)("))
        XCTAssertTrue(ex.solution.hasPrefix("    "))
        XCTAssertTrue(ex.tests.hasPrefix("assert \(ex.functionName)("))
    }

    /// Runs every family's solution (must pass) and broken variants (most must fail) through python3.
    func testEverySolutionPassesItsTestsAndBrokenVariantsAreCaught() throws {
        let verifier = PythonForkingVerifier(timeoutSeconds: 2)
        guard verifier.verify(program: "assert 1 + 1 == 2\n") == .passed else { throw XCTSkip("python3 not available") }
        let n = ExerciseTelemetry.familyCount
        let (events, counts) = ExerciseTelemetry().events(count: n, seed: 11, verifier: verifier, workers: 2)
        XCTAssertEqual(counts.failedSolutions, 0, counts.firstProblem ?? "")
        XCTAssertEqual(counts.verifierErrors, 0, counts.firstProblem ?? "")
        XCTAssertEqual(counts.accepted, n)
        XCTAssertGreaterThanOrEqual(counts.rejected, n, "about two variants per exercise, most caught")
        XCTAssertEqual(events.filter { $0.outcome == .accepted }.count, n)
        for e in events { XCTAssertNil(TelemetryValidator.semanticProblem(e), e.path) }
    }

    func testVerifierReportsFailureAndTimeout() throws {
        let verifier = PythonForkingVerifier(timeoutSeconds: 1)
        guard verifier.verify(program: "pass\n") == .passed else { throw XCTSkip("python3 not available") }
        if case .failed(let m) = verifier.verify(program: "assert 1 == 2, 'nope'\n") { XCTAssertTrue(m.contains("nope")) } else { XCTFail() }
        XCTAssertEqual(verifier.verify(program: "while True:\n    pass\n"), .timedOut)
    }

    /// A verifier hook: anything conforming can stand in (the evaluator's sandbox later).
    func testCustomVerifierDecidesOutcomes() {
        struct RejectAll: ProgramVerifier { func verify(program: String) -> VerificationOutcome { .failed("no") } }
        let (events, counts) = ExerciseTelemetry().events(count: 4, seed: 1, verifier: RejectAll())
        XCTAssertTrue(events.isEmpty)
        XCTAssertEqual(counts.failedSolutions, 4)
    }
}

final class TelemetryForkingVerifierTests: XCTestCase {
    func testBatchOutcomesInOrder() throws {
        let v = PythonForkingVerifier(timeoutSeconds: 1)
        guard v.verify(program: "pass\n") == .passed else { throw XCTSkip("python3 not available") }
        let out = v.verifyAll(["assert True\n", "assert 1 == 2, 'boom'\n", "while True:\n    pass\n", "print('noise')\n",
                               "import sys\nsys.exit(3)\n", "x = [0] * (1 << 40)\n"])
        XCTAssertEqual(out[0], .passed)
        if case .failed(let m) = out[1] { XCTAssertTrue(m.contains("boom"), m) } else { XCTFail("\(out[1])") }
        XCTAssertEqual(out[2], .timedOut)
        XCTAssertEqual(out[3], .passed)
        if case .failed = out[4] {} else { XCTFail("\(out[4])") }
        if case .failed = out[5] {} else { XCTFail("memory limit: \(out[5])") }
    }
}
