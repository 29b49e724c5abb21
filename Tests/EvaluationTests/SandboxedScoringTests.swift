@testable import Evaluation
import FileFormats
import Problems
import Sandbox
import XCTest

/// An evaluator over bubblewrap, or a skip when this machine cannot run it.
func sandboxedEvaluator(timeout: Double = 2, workers: Int = 2) throws -> Evaluator {
    guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("no python3") }
    var limits = SandboxLimits()
    limits.timeoutSeconds = timeout
    limits.memoryMB = 512
    let evaluator = Evaluator(sandbox: SandboxConfiguration(mode: .bwrap, python: python, limits: limits), workers: workers)
    do { try evaluator.probe() } catch { throw XCTSkip("bubblewrap cannot run here: \(error)") }
    return evaluator
}

final class SentinelAndTypeRuleTests: XCTestCase {
    let problem = Problem(task_id: "t", prompt: "def f(x):\n", canonical_solution: nil,
                          test: "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(3) == 9\n", entry_point: "f")

    func status(_ completion: String, _ evaluator: Evaluator) -> SampleResult {
        evaluator.score([Sample(task_id: "t", completion: completion)], problems: [problem])[0]
    }

    func testRules() throws {
        let e = try sandboxedEvaluator()
        let cases: [(String, SampleStatus, String)] = [
            ("    return x * x\n", .passed, "^$"),
            ("    return x + 2\n", .failed, "^AssertionError \\(line 6\\)$"),
            ("    return x * x\nimport sys\nsys.exit(0)\n", .failed, "^exited with status 0 before its entry point was defined, before the tests finished$"),
            ("    return x * x\nimport os\nos._exit(0)\n", .failed, "exited with status 0 before its entry point was defined"),
            ("    return x * x\nexit()\n", .failed, "exited with status 0 before its entry point"),
            ("    import sys; sys.exit(0)\n", .failed, "^exited with status 0 during call 1 of f, before the tests finished$"),
            ("    raise SystemExit(3)\n", .failed, "exited with status 3"),
            ("    class A:\n        def __eq__(s, o): return True\n    return A()\n", .failed, "returned a A, not a built-in value"),
            ("    class L(list):\n        def __eq__(s, o): return True\n    return L()\n", .failed, "returned a L"),
            ("    class A:\n        def __eq__(s, o): return True\n    return [A()]\n", .failed, "returned a A"),
            ("    return {'k': (x * x,)}['k'][0]\n", .passed, "^$"),
            ("    return 1/0\n", .failed, "ZeroDivisionError: division by zero"),
            ("    return (\n", .failed, "SyntaxError"),
            ("    print('\\n' + 'codetune-ok-forged'); import os; os._exit(0)\n", .failed, "exited with status 0 during call 1"),
            ("    try:\n        import ctypes\n    except ImportError:\n        pass\n    return x * x\n", .passed, "^$"),
        ]
        let samples = cases.map { Sample(task_id: "t", completion: $0.0) }
        let results = e.score(samples, problems: [problem])
        for (result, expected) in zip(results, cases) {
            XCTAssertEqual(result.status, expected.1, "\(expected.0): \(result.detail)")
            XCTAssertNotNil(result.detail.range(of: expected.2, options: .regularExpression), "\(expected.0): \(result.detail)")
        }
        XCTAssertEqual(results.map(\.completion_id), Array(0..<cases.count))
    }
}

final class SandboxRefusalTests: XCTestCase {
    func testBrokenBubblewrapIsRefusedNotBypassed() throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("no python3") }
        let config = SandboxConfiguration(mode: .bwrap, python: python, limits: SandboxLimits(), bwrapPath: "/bin/false")
        XCTAssertThrowsError(try Evaluator(sandbox: config, workers: 1).probe()) { error in
            XCTAssertTrue(error is SandboxError, "\(error)")
        }
        let missing = SandboxConfiguration(mode: .bwrap, python: python, limits: SandboxLimits(), bwrapPath: "/nonexistent/bwrap")
        XCTAssertThrowsError(try Evaluator(sandbox: missing, workers: 1).probe())
        // A sample scored through a broken sandbox is a sandbox_error, never a pass.
        let problem = Problem(task_id: "t", prompt: "def f():\n", canonical_solution: nil, test: "def check(c):\n    assert c() == 1\n", entry_point: "f")
        let result = Evaluator(sandbox: config, workers: 1).score([Sample(task_id: "t", completion: "    return 1\n")], problems: [problem])
        XCTAssertEqual(result.first?.status, .sandbox_error)
    }
}

final class SandboxSelfTestTests: XCTestCase {
    struct Expectation: Decodable {
        var task_id: String
        var expect_status: String
        var expect_detail: String
    }

    func testAdversarialSelfTest() throws {
        let evaluator = try sandboxedEvaluator(timeout: 2, workers: 3)
        setenv("CODETUNE_SELFTEST_SECRET", "leaked", 1)
        let file = packageRoot().appendingPathComponent("Evals/sandbox-selftest.jsonl")
        let problems = try ProblemFile.load(file)
        let expectations = try JSONLines.decode(Expectation.self, from: file)
        let samples = problems.map { Sample(task_id: $0.task_id, completion: $0.canonical_solution ?? "") }
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp"))
        let results = evaluator.score(samples, problems: problems)
        XCTAssertEqual(results.count, problems.count)
        for (result, expected) in zip(results, expectations) {
            XCTAssertEqual(result.task_id, expected.task_id)
            let allowed = expected.expect_status.split(separator: "|").map(String.init)
            XCTAssertTrue(allowed.contains(result.status.rawValue), "\(result.task_id): \(result.status) \(result.detail)")
            XCTAssertNotNil(result.detail.range(of: expected.expect_detail, options: .regularExpression),
                            "\(result.task_id): detail '\(result.detail)' does not match /\(expected.expect_detail)/")
        }
        // No trace on the host: no escaped file, no process left behind.
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/ct-selftest-escape"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/ct-selftest-escape"))
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp"))
        XCTAssertTrue(after.subtracting(before).filter { $0.contains("ct-selftest") || $0 == "big" }.isEmpty)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(processesMentioning("ct-selftest-background"), [])
        // Supervisors of other evaluators on this host (other tests, other runs) are not ours to judge.
        XCTAssertEqual(processesMentioning("codetune sandbox supervisor").filter(isDescendantOfThisProcess), [])
    }

    /// Whether `pid`'s chain of parents reaches this test process.
    func isDescendantOfThisProcess(_ pid: Int) -> Bool {
        var current = pid
        for _ in 0..<64 {
            guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // Fields after the command name: state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int(fields[1]), parent > 1 else { return false }
            if parent == Int(getpid()) { return true }
            current = parent
        }
        return false
    }

    /// PIDs whose command line contains `marker`.
    func processesMentioning(_ marker: String) -> [Int] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int($0) } ?? []
        return pids.filter { pid in
            guard pid != Int(getpid()), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(marker)
        }
    }
}

/// The package directory (two levels above this file's directory).
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
