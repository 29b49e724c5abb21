@testable import Evaluation
import FileFormats
import Foundation
import Problems
import Sandbox
import XCTest

/// `eval --shard I/N` and `eval merge`: shards partition the problems by task id alone, and merging the
/// shards' directories gives the files one unsharded run writes, byte for byte.
final class EvalShardTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-shard-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func testParsing() {
        XCTAssertEqual(EvalShard(parsing: "1/3"), EvalShard(index: 1, count: 3))
        XCTAssertEqual(EvalShard(parsing: "0/1")?.description, "0/1")
        for bad in ["3/3", "-1/2", "1/0", "1", "a/2", "1/2/3", ""] { XCTAssertNil(EvalShard(parsing: bad), bad) }
    }

    /// Every task lands in exactly one shard, decided by FNV-1a of its id (pinned values), whatever the order.
    func testShardsPartitionByTaskID() {
        let ids = (0..<164).map { "HumanEval/\($0)" }
        for n in [1, 2, 3, 8] {
            let shards = (0..<n).map { EvalShard(index: $0, count: n) }
            for id in ids { XCTAssertEqual(shards.filter { $0.contains(taskID: id) }.count, 1, id) }
            let sizes = shards.map { s in ids.filter { s.contains(taskID: $0) }.count }
            XCTAssertEqual(sizes.reduce(0, +), ids.count)
            if n > 1 { XCTAssertGreaterThan(sizes.min()!, ids.count / n / 2, "shards of \(n) are roughly even: \(sizes)") }
        }
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; of "" the offset basis 0xcbf29ce484222325.
        XCTAssertEqual(EvalShard.shard(of: "a", count: 1 << 20), Int(0xaf63dc4c8601ec8c as UInt64 % (1 << 20)))
        XCTAssertEqual(EvalShard.shard(of: "", count: 7), Int(0xcbf29ce484222325 as UInt64 % 7))
    }

    /// Problems t/0…t/9, three samples each with a mix of statuses; a shard's files are what `EvalRun`
    /// writes for the shard (its results, its summary with `shard` and its key).
    func testMergeEqualsTheUnshardedRun() throws {
        let problems = (0..<10).map { i in
            #"{"task_id": "t/\#(i)", "prompt": "def f():\n", "canonical_solution": "    return \#(i)\n", "test": "def check(candidate):\n    assert candidate() == \#(i)\n", "entry_point": "f"}"#
        }
        let problemsURL = dir.appendingPathComponent("p.jsonl")
        try (problems.joined(separator: "\n") + "\n").write(to: problemsURL, atomically: true, encoding: .utf8)
        let suiteURL = dir.appendingPathComponent("s.yaml")
        try "problems: p.jsonl\nn: 3\nk: [1, 2]\nseed: 11\nthresholds:\n  pass@1: 0.4\n".write(to: suiteURL, atomically: true, encoding: .utf8)
        let suite = try EvalSuite.load(suiteURL)
        let loaded = try ProblemFile.load(problemsURL)
        let statuses: [SampleStatus] = [.passed, .failed, .timeout, .passed, .error]
        var samples: [Sample] = [], results: [SampleResult] = []
        for (i, p) in loaded.enumerated() {
            for j in 0..<3 {
                let status = statuses[(i * 3 + j * 2) % statuses.count]
                samples.append(Sample(task_id: p.task_id, completion: "    return \(j)\n"))
                results.append(SampleResult(task_id: p.task_id, completion_id: j, status: status,
                                            detail: status == .passed ? "" : "\(status.rawValue) detail", duration_ms: 10 + i + j))
            }
        }
        func write(_ shard: EvalShard?, workers: Int, to out: URL) throws {
            var run = EvalRun(suite: suite, origin: .canonicalSolutions)
            run.sandboxMode = .rlimits
            run.outputDirectory = out
            run.shard = shard
            let keep = { (id: String) in shard?.contains(taskID: id) ?? true }
            let rs = results.filter { keep($0.task_id) }
            var summary = EvalSummary.make(suite: suite, problemsFile: problemsURL.path, problems: loaded, results: rs,
                                           sandbox: .rlimits, wallSeconds: 2.5, workers: workers)
            summary.shard = shard?.description
            summary.cache_key = EvalCacheKey.make(for: run, problemsFile: problemsURL.path)
            summary.reused = false
            try EvalRun.write(samples: samples.filter { keep($0.task_id) }, results: rs, summary: summary, to: out)
        }
        let whole = dir.appendingPathComponent("whole")
        try write(nil, workers: 3, to: whole)
        let shardDirs = (0..<3).map { dir.appendingPathComponent("shard-\($0)") }
        for (i, d) in shardDirs.enumerated() { try write(EvalShard(index: i, count: 3), workers: 1, to: d) }
        let shardSummary = try JSONDecoder().decode(EvalSummary.self, from: Data(contentsOf: shardDirs[0].appendingPathComponent("summary.json")))
        XCTAssertEqual(shardSummary.shard, "0/3")
        XCTAssertLessThan(shardSummary.problems, 10)

        let merged = dir.appendingPathComponent("merged")
        let summary = try EvalMerge.merge(shardDirectories: shardDirs.reversed(), into: merged)
        XCTAssertEqual(summary.problems, 10)
        XCTAssertNil(summary.shard)
        for name in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
            XCTAssertEqual(try String(contentsOf: merged.appendingPathComponent(name), encoding: .utf8),
                           try String(contentsOf: whole.appendingPathComponent(name), encoding: .utf8), name)
        }

        // 40 shards of 10 problems: most are empty, and still merge to the same files.
        let many = (0..<40).map { dir.appendingPathComponent("of40-\($0)") }
        for (i, d) in many.enumerated() { try write(EvalShard(index: i, count: 40), workers: 1, to: d) }
        let fromMany = dir.appendingPathComponent("merged-40")
        try EvalMerge.merge(shardDirectories: many, into: fromMany)
        for name in ["samples.jsonl", "results.jsonl"] {
            XCTAssertEqual(try String(contentsOf: fromMany.appendingPathComponent(name), encoding: .utf8),
                           try String(contentsOf: whole.appendingPathComponent(name), encoding: .utf8), name)
        }

        // Not the shards of one eval: a shard missing, a shard twice, an unsharded directory.
        XCTAssertThrowsError(try EvalMerge.merge(shardDirectories: Array(shardDirs.prefix(2)), into: merged)) { error in
            XCTAssertTrue("\(error)".contains("missing 2/3"), "\(error)")
        }
        XCTAssertThrowsError(try EvalMerge.merge(shardDirectories: shardDirs + [shardDirs[1]], into: merged)) { error in
            XCTAssertTrue("\(error)".contains("repeated 1/3"), "\(error)")
        }
        XCTAssertThrowsError(try EvalMerge.merge(shardDirectories: [whole], into: merged)) { error in
            XCTAssertTrue("\(error)".contains("summary.json: shard: missing"), "\(error)")
        }
    }
}
