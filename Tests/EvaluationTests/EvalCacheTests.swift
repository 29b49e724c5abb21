@testable import Evaluation
import FileFormats
import Foundation
import Problems
import RunStore
import Sandbox
import XCTest

/// The eval cache: a second run into the same directory with unchanged weights, problems, sampling
/// settings, seed, sandbox limits and judge reuses the samples and results; any change is a miss.
final class EvalCacheTests: XCTestCase {
    var dir: URL!
    var checkpoint: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cache-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        checkpoint = try TinyCheckpoint.write()
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(at: dir) }
        if let checkpoint { try? FileManager.default.removeItem(at: checkpoint) }
    }

    static let problems = [
        #"{"task_id": "t/0", "prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n", "entry_point": "add"}"#,
        #"{"task_id": "t/1", "prompt": "def one():\n", "canonical_solution": "    return 1\n", "test": "def check(candidate):\n    assert candidate() == 1\n", "entry_point": "one"}"#,
    ]

    func writeSuite(thresholds: String = "thresholds:\n  pass@1: 0.5\n") throws -> URL {
        try (Self.problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        let suite = dir.appendingPathComponent("tiny.yaml")
        try "problems: p.jsonl\ntimeout_s: 2\nn: 2\nk: [1]\ntemperature: 0.8\ntop_p: 0.95\nmax_new_tokens: 8\nseed: 5\n\(thresholds)"
            .write(to: suite, atomically: true, encoding: .utf8)
        return suite
    }

    func makeRun(out: URL? = nil) throws -> EvalRun {
        var run = EvalRun(suite: try EvalSuite.load(try writeSuite()), origin: .model(checkpoint: checkpoint))
        run.outputDirectory = out ?? dir.appendingPathComponent("out")
        run.workers = 2
        return run
    }

    func key(_ run: EvalRun) throws -> EvalCacheKey {
        try XCTUnwrap(EvalCacheKey.make(for: run, problemsFile: try run.problemsPath()))
    }

    /// Runs `run`, returning its summary and how many problems were sampled.
    func scored(_ run: EvalRun) throws -> (summary: EvalSummary, sampled: Int) {
        var run = run
        let counter = Counter()
        run.samplingProgress = { _, _ in counter.count += 1 }
        return (try run.run().summary, counter.count)
    }

    final class Counter: @unchecked Sendable { var count = 0 }

    // MARK: the key

    func testKeyIsContentNotPaths() throws {
        let a = try key(makeRun())
        XCTAssertEqual(a.digest.count, 64)
        XCTAssertEqual(Set(a.inputs.keys), ["model.safetensors", "config.json", "tokenizer.json", "problems", "settings", "judge"])
        // Another output directory, another copy of the same checkpoint: the same key.
        let copy = dir.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: checkpoint, to: copy)
        var moved = try makeRun(out: dir.appendingPathComponent("elsewhere"))
        moved.origin = .model(checkpoint: copy)
        XCTAssertEqual(try key(moved), a)
        // Thresholds and k do not change samples or verdicts.
        var thresholds = try makeRun()
        thresholds.suite.thresholds = [1: 0.9]
        thresholds.suite.k = [1, 2]
        XCTAssertEqual(try key(thresholds).digest, a.digest)
    }

    func testEveryKindOfChangeChangesTheKey() throws {
        let base = try key(makeRun())
        var changes: [String: EvalRun] = [:]
        var r = try makeRun(); r.suite.n = 3; changes["n"] = r
        r = try makeRun(); r.suite.seed = 6; changes["seed"] = r
        r = try makeRun(); r.suite.sampling.temperature = 0.5; changes["temperature"] = r
        r = try makeRun(); r.suite.sampling.topP = 0.9; changes["top_p"] = r
        r = try makeRun(); r.suite.sampling.maxNewTokens = 9; changes["max_new_tokens"] = r
        r = try makeRun(); r.suite.limits.timeoutSeconds = 3; changes["timeout"] = r
        r = try makeRun(); r.suite.limits.memoryMB = 256; changes["memory"] = r
        r = try makeRun(); r.problemLimit = 1; changes["limit"] = r
        r = try makeRun(); r.sandboxMode = .rlimits; changes["sandbox"] = r
        for (what, run) in changes {
            XCTAssertNotEqual(try key(run).digest, base.digest, what)
        }
        // Weights bytes.
        let weights = checkpoint.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        let newWeights = try key(makeRun())
        XCTAssertNotEqual(newWeights.digest, base.digest, "weights")
        XCTAssertNotEqual(newWeights.inputs["model.safetensors"], base.inputs["model.safetensors"])
        // Problems file bytes (written by the next makeRun, then changed).
        let run = try makeRun()
        let before = try key(run)
        try (Self.problems.reversed().joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try key(run).digest, before.digest, "problems")
    }

    func testSamplesFileIsKeyedOnItsBytes() throws {
        _ = try writeSuite()
        let samples = dir.appendingPathComponent("s.jsonl")
        try #"{"task_id": "t/0", "completion": "    return a + b\n"}"#.write(to: samples, atomically: true, encoding: .utf8)
        var run = try makeRun()
        run.origin = .file(samples)
        let a = try key(run)
        XCTAssertNotNil(a.inputs["samples"])
        XCTAssertNil(a.inputs["model.safetensors"])
        try #"{"task_id": "t/0", "completion": "    return a - b\n"}"#.write(to: samples, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try key(run).digest, a.digest)
    }

    // MARK: runs

    func testSecondRunReusesSamplesAndResults() throws {
        _ = try sandboxedEvaluator()   // skips when bubblewrap cannot run here
        let first = try scored(try makeRun())
        XCTAssertEqual(first.sampled, 2)
        XCTAssertEqual(first.summary.reused, false)
        let key = try XCTUnwrap(first.summary.cache_key)
        let out = dir.appendingPathComponent("out")
        let samplesBefore = try Data(contentsOf: out.appendingPathComponent("samples.jsonl"))

        let second = try scored(try makeRun())
        XCTAssertEqual(second.sampled, 0, "a hit samples nothing")
        XCTAssertEqual(second.summary.reused, true)
        XCTAssertEqual(second.summary.cache_key, key)
        var same = second.summary
        same.reused = false
        XCTAssertEqual(same, first.summary, "the same summary, rebuilt from the stored results")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("samples.jsonl")), samplesBefore)
        let written = try JSONDecoder().decode(EvalSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        XCTAssertEqual(written.reused, true)
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8).contains("Reused the samples and results"))

        // A changed threshold is still a hit, and the verdict is recomputed under it.
        var lenient = try makeRun()
        lenient.suite.thresholds = [1: 0]
        let third = try scored(lenient)
        XCTAssertEqual(third.sampled, 0)
        XCTAssertEqual(third.summary.reused, true)
        XCTAssertEqual(third.summary.verdict, .pass)
        XCTAssertEqual(first.summary.verdict, .fail, "a random model does not pass 0.5")

        // Training's path (evaluateCheckpoint into the same directory) reuses too.
        let viaTraining = try evaluateCheckpoint(suite: try writeSuite(), checkpoint: CheckpointLocation(directory: checkpoint),
                                                 out: out, workers: 2)
        XCTAssertEqual(viaTraining.summary.reused, true)
    }

    func testChangesAndNoCacheAreMisses() throws {
        _ = try sandboxedEvaluator()
        _ = try scored(try makeRun())
        var noCache = try makeRun()
        noCache.useCache = false
        let forced = try scored(noCache)
        XCTAssertEqual(forced.sampled, 2, "--no-cache samples again")
        XCTAssertEqual(forced.summary.reused, false)

        var seed = try makeRun()
        seed.suite.seed = 6
        let reseeded = try scored(seed)
        XCTAssertEqual(reseeded.sampled, 2)
        XCTAssertEqual(reseeded.summary.reused, false)
        XCTAssertNotEqual(reseeded.summary.cache_key, forced.summary.cache_key)

        var timeout = try makeRun()
        timeout.suite.limits.timeoutSeconds = 3
        let t = try scored(timeout)
        XCTAssertEqual(t.sampled, 2)
        XCTAssertEqual(t.summary.reused, false)

        let weights = checkpoint.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        let w = try scored(try makeRun())
        XCTAssertEqual(w.sampled, 2)
        XCTAssertEqual(w.summary.reused, false)
        // …and the run just written is now the one reused.
        XCTAssertEqual(try scored(try makeRun()).summary.reused, true)
    }

    func testTornResultsAreAMiss() throws {
        _ = try sandboxedEvaluator()
        _ = try scored(try makeRun())
        let results = dir.appendingPathComponent("out/results.jsonl")
        try Data("{\"task_id\": ".utf8).write(to: results)
        let again = try scored(try makeRun())
        XCTAssertEqual(again.sampled, 2)
        XCTAssertEqual(again.summary.reused, false)
    }
}
