import Sandbox
@testable import Telemetry
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

    /// Runs every family's solution (must pass) and broken variants (most must fail) through the sandbox.
    func testEverySolutionPassesItsTestsAndBrokenVariantsAreCaught() throws {
        let runner = try sandboxRunner(timeout: 2)
        let n = ExerciseTelemetry.familyCount
        let (events, counts) = ExerciseTelemetry().events(count: n, seed: 11, runner: runner, workers: 2)
        XCTAssertEqual(counts.failedSolutions, 0, counts.firstProblem ?? "")
        XCTAssertEqual(counts.verifierErrors, 0, counts.firstProblem ?? "")
        XCTAssertEqual(counts.accepted, n)
        XCTAssertGreaterThanOrEqual(counts.rejected, n, "about two variants per exercise, most caught")
        XCTAssertEqual(events.filter { $0.outcome == .accepted }.count, n)
        for e in events { XCTAssertNil(TelemetryValidator.semanticProblem(e), e.path) }
    }

    /// The verdicts decide the outcomes: solutions that fail give no events.
    func testVerdictsDecideOutcomes() {
        let exercises = (0..<4).map { ExerciseTelemetry.exercise(seed: 1, index: $0) }
        let programs = exercises.map { 1 + $0.brokenVariants.count }.reduce(0, +)
        let verdicts = Array(repeating: (status: SampleStatus.failed, detail: "no"), count: programs)
        let (events, counts) = ExerciseTelemetry().events(exercises, verdicts: verdicts, seed: 1)
        XCTAssertTrue(events.isEmpty)
        XCTAssertEqual(counts.failedSolutions, 4)
    }

    /// The sandbox in rlimits mode (bubblewrap may be missing where unit tests run), or a skip without python3.
    func sandboxRunner(timeout: Double) throws -> SelfCheckingProgramRunner {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("python3 not available") }
        var limits = SandboxLimits()
        limits.timeoutSeconds = timeout
        limits.memoryMB = 512
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: .rlimits, python: python, limits: limits))
        do { try runner.probe() } catch { throw XCTSkip("the rlimits sandbox cannot run here: \(error)") }
        return runner
    }
}
