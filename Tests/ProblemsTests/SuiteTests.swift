import FileFormats
@testable import Problems
import XCTest

final class SuiteTests: XCTestCase {
    func testValidSuite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("suite-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("p.jsonl"))
        let text = """
        problems: p.jsonl
        timeout_s: 2.5
        memory_mb: 256
        n: 20
        k: [1, 10]
        temperature: 0.8
        top_p: 0.9
        top_k: 40
        max_new_tokens: 128
        stop: ["\\ndef"]
        seed: 7
        thresholds: {pass@1: 0.25, pass@10: 0.5}
        """
        let suite = try EvalSuite.parse(text: text, file: dir.appendingPathComponent("s.yaml").path)
        XCTAssertEqual(suite.problemsPath, dir.appendingPathComponent("p.jsonl").path)
        XCTAssertEqual(suite.limits.timeoutSeconds, 2.5)
        XCTAssertEqual(suite.limits.memoryMB, 256)
        XCTAssertEqual(suite.n, 20)
        XCTAssertEqual(suite.k, [1, 10])
        XCTAssertEqual(suite.sampling.stop, ["\ndef"])
        XCTAssertEqual(suite.sampling.topK, 40)
        XCTAssertEqual(suite.seed, 7)
        XCTAssertEqual(suite.thresholds, [1: 0.25, 10: 0.5])
        XCTAssertEqual(suite.name, "s")
    }

    func testDefaultsAndHumanEval() throws {
        let suite = try EvalSuite.parse(text: "problems: humaneval\n", file: "/x/h.yaml")
        XCTAssertNil(suite.problemsPath)
        XCTAssertEqual(suite.sampling.stop, ["\nclass", "\ndef", "\n#", "\nif", "\nprint"])
        XCTAssertEqual(suite.k, [1])
    }

    func testEveryErrorHasItsPlace() {
        let text = """
        problems: missing.jsonl
        timout_s: 3
        n: 5
        k: [1, 10]
        top_p: 2
        thresholds:
          pass@2: 0.5
          recall: 0.1
        """
        XCTAssertThrowsError(try EvalSuite.parse(text: text, file: "/nowhere/s.yaml")) { error in
            let text = (error as? InputErrors)?.description ?? "\(error)"
            XCTAssertTrue(text.contains("/nowhere/s.yaml:1:11: problems: no such file"), text)
            XCTAssertTrue(text.contains("/nowhere/s.yaml:2:1: timout_s: unknown key; did you mean 'timeout_s'?"), text)
            XCTAssertTrue(text.contains("s.yaml:4:4: k: pass@10 needs n ≥ 10, but n is 5"), text)
            XCTAssertTrue(text.contains("s.yaml:5:8: top_p: 2.0 is out of range"), text)
            XCTAssertTrue(text.contains("s.yaml:7:11: thresholds.pass@2: pass@2 is not reported"), text)
            XCTAssertTrue(text.contains("s.yaml:8:11: thresholds.recall: thresholds are written pass@K"), text)
        }
    }

    /// `language:` may be left out or say `python`; anything else is an error at its place.
    func testLanguageIsPythonOnly() throws {
        XCTAssertNoThrow(try EvalSuite.parse(text: "problems: humaneval\nlanguage: python\n", file: "/x/h.yaml"))
        XCTAssertThrowsError(try EvalSuite.parse(text: "problems: humaneval\nlanguage: rust\n", file: "/x/h.yaml")) { error in
            let text = (error as? InputErrors)?.description ?? "\(error)"
            XCTAssertTrue(text.contains("/x/h.yaml:2:11: language: 'rust' is not one of python"), text)
        }
    }

    /// The problems file: `--problems` first, then the suite's path, then HumanEval as `HumanEvalLocation` finds it.
    func testProblemsFileOrder() throws {
        let humaneval = try EvalSuite.parse(text: "problems: humaneval\n", file: "/nowhere/h.yaml")
        XCTAssertEqual(try humaneval.problemsFile(explicit: "/given.jsonl"), "/given.jsonl")
        let saved = ProcessInfo.processInfo.environment["CODETUNE_HUMANEVAL"]
        setenv("CODETUNE_HUMANEVAL", "/from/env.jsonl.gz", 1)
        defer { if let saved { setenv("CODETUNE_HUMANEVAL", saved, 1) } else { unsetenv("CODETUNE_HUMANEVAL") } }
        XCTAssertEqual(try humaneval.problemsFile(), "/from/env.jsonl.gz")
        var own = humaneval
        own.problemsPath = "/suite/own.jsonl"
        XCTAssertEqual(try own.problemsFile(), "/suite/own.jsonl")
    }

    func testCommittedSuitesParse() throws {
        let evals = packageRoot().appendingPathComponent("Evals")
        for name in ["humaneval.yaml", "sandbox-selftest.yaml"] {
            XCTAssertNoThrow(try EvalSuite.load(evals.appendingPathComponent(name)), name)
        }
    }
}

/// The package directory (two levels above this file's directory).
func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
