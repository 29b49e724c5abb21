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

    /// A threshold is a plain number (held against the estimate, as always) or `{min, on}` naming the bound.
    func testThresholdForms() throws {
        let text = """
        problems: humaneval
        n: 10
        k: [1, 5, 10]
        thresholds:
          pass@1: {min: 0.25, on: lower_bound}
          pass@5:
            min: 0.4
            on: upper_bound
          pass@10: 0.5
        """
        let suite = try EvalSuite.parse(text: text, file: "/x/t.yaml")
        XCTAssertEqual(suite.thresholds, [1: 0.25, 5: 0.4, 10: 0.5])
        XCTAssertEqual(suite.thresholdBound(1), .lower_bound)
        XCTAssertEqual(suite.thresholdBound(5), .upper_bound)
        XCTAssertEqual(suite.thresholdBound(10), .estimate)
        let onEstimate = try EvalSuite.parse(text: "problems: humaneval\nthresholds: {pass@1: {min: 0.1, on: estimate}}\n", file: "/x/e.yaml")
        XCTAssertEqual(onEstimate.thresholds, [1: 0.1])
        XCTAssertEqual(onEstimate.thresholdBound(1), .estimate)
        // `min` alone keeps the estimate.
        let minOnly = try EvalSuite.parse(text: "problems: humaneval\nthresholds: {pass@1: {min: 0.1}}\n", file: "/x/m.yaml")
        XCTAssertEqual(minOnly.thresholdBound(1), .estimate)
    }

    func testThresholdFormErrorsHaveTheirPlace() {
        let text = """
        problems: humaneval
        n: 10
        k: [1, 2, 5, 10]
        thresholds:
          pass@1: {on: lower}
          pass@2: {min: 1.5, at: lower_bound}
          pass@5: [0.2]
          pass@10: {min: high}
        """
        XCTAssertThrowsError(try EvalSuite.parse(text: text, file: "/x/bad.yaml")) { error in
            let text = (error as? InputErrors)?.description ?? "\(error)"
            XCTAssertTrue(text.contains("/x/bad.yaml:5:11: thresholds.pass@1.min: missing required key"), text)
            XCTAssertTrue(text.contains("/x/bad.yaml:5:16: thresholds.pass@1.on: 'lower' is not one of estimate, lower_bound, upper_bound"), text)
            XCTAssertTrue(text.contains("/x/bad.yaml:6:17: thresholds.pass@2.min: 1.5 is out of range 0.0...1.0"), text)
            XCTAssertTrue(text.contains("/x/bad.yaml:6:22: thresholds.pass@2.at: unknown key; did you mean 'on'?"), text)
            XCTAssertTrue(text.contains("/x/bad.yaml:7:11: thresholds.pass@5: expected a number or {min: NUMBER, on: estimate | lower_bound | upper_bound}"), text)
            XCTAssertTrue(text.contains("/x/bad.yaml:8:18: thresholds.pass@10.min: expected a number, found 'high'"), text)
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
