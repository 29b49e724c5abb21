import Exercises
import Foundation
import Sandbox
import XCTest

final class FunctionMiningTests: XCTestCase {
    static let source = #"""
    LIMIT = 10

    def clamp_total(values, cap):
        """Add up values, but never return more than cap.

        >>> clamp_total([1, 2, 3], 5)
        5
        >>> clamp_total([1, 1], 5)
        2
        """
        total = 0
        for v in values:
            total += v
        return min(total, cap)

    def uses_a_global(x):
        """Return x scaled by the module's LIMIT constant."""
        y = x * LIMIT
        return y

    class Box:
        def size(self):
            """The number of things in the box, counted."""
            n = len(self.items)
            return n

    def wrong_doctest(word):
        """Return word twice, joined by a dash.

        >>> wrong_doctest('ab')
        'ab+ab'
        """
        joined = word + '-' + word
        return joined

    def no_doctest(items):
        """Return the items in reverse order as a new list."""
        out = list(items)
        out.reverse()
        return out
    """#

    func testSelfContainedDocumentedFunctionsAreMinedWithTheirDoctests() {
        let found = FunctionMining.functions(in: Self.source, name: "m.py")
        XCTAssertEqual(found.map(\.entry_point), ["clamp_total", "wrong_doctest", "no_doctest"])
        let clamp = found[0]
        XCTAssertTrue(clamp.prompt.hasPrefix("def clamp_total(values, cap):\n    \"\"\"Add up values"))
        XCTAssertTrue(clamp.prompt.hasSuffix("    \"\"\"\n"))
        XCTAssertEqual(clamp.canonical_solution, "    total = 0\n    for v in values:\n        total += v\n    return min(total, cap)\n")
        XCTAssertEqual(clamp.test, "def check(candidate):\n    assert repr(candidate([1, 2, 3], 5)) == '5'\n    assert repr(candidate([1, 1], 5)) == '2'\n")
        XCTAssertEqual(clamp.task_id, "mined/m.py:3")
        XCTAssertEqual(found[2].test, "def check(candidate):\n    assert callable(candidate)\n")
    }

    func testMiningRunsDoctestsInTheSandboxAndDropsFailures() throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("python3 not available") }
        var limits = SandboxLimits()
        limits.timeoutSeconds = 30
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: .rlimits, python: python, limits: limits))
        do { try runner.probe() } catch { throw XCTSkip("the rlimits sandbox cannot run here: \(error)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.source.write(to: dir.appendingPathComponent("m.py"), atomically: true, encoding: .utf8)
        try Self.source.write(to: dir.appendingPathComponent("copy.py"), atomically: true, encoding: .utf8)
        let (kept, s) = try FunctionMining.mine(root: dir, verifier: BatchVerifier(runner: runner, workers: 1), decontamination: nil)
        XCTAssertEqual(kept.map(\.entry_point), ["clamp_total", "no_doctest"])
        XCTAssertEqual(s.files, 2)
        XCTAssertEqual(s.duplicates, 3, "the second file's functions are the first's")
        XCTAssertEqual(s.failedVerification, 1)
        XCTAssertEqual(s.withDoctests, 1)
    }
}
