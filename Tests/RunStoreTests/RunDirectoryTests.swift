import FileFormats
import RunStore
import XCTest

final class RunDirectoryTests: XCTestCase {
    func testRunIDsSortByTime() {
        let a = RunID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        let b = RunID.make(at: Date(timeIntervalSince1970: 1_800_000_001))
        XCTAssertTrue(RunID.isRunID(a))
        XCTAssertLessThan(a, b)
        XCTAssertTrue(a.hasPrefix("20270115-080000-"), a)
    }

    func testCreateWritesRecordConfigAndCheckpointsDirectory() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let dir = try fx.makeRun(id: "20261123-000000-aaaa")
        XCTAssertEqual(dir.url.path, fx.runsDir.appendingPathComponent("demo/20261123-000000-aaaa").standardizedFileURL.path)
        XCTAssertEqual(try dir.readRecord().stages, ["pretrain", "finetune"])
        XCTAssertTrue(try dir.readConfigText().contains("lr: 0.001"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted(),
                       ["checkpoints", "config.yaml", "metrics.jsonl", "run.json"])
        XCTAssertThrowsError(try RunDirectory.create(runsDir: fx.runsDir, record: dir.readRecord(), configYAML: ""))
    }

    /// A reader polling run.json while it is rewritten never sees a partial file.
    func testRecordUpdatesAreAtomicForAConcurrentReader() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let dir = try fx.makeRun(id: "20261123-000000-bbbb")
        let done = DispatchSemaphore(value: 0)
        let failures = Locked(0), reads = Locked(0)
        let stop = Locked(false)
        DispatchQueue.global().async {
            while !stop.value {
                if let data = try? Data(contentsOf: dir.recordURL) {
                    reads.update { $0 += 1 }
                    if (try? RunRecord.decode(data, file: "run.json")) == nil { failures.update { $0 += 1 } }
                } else { failures.update { $0 += 1 } }
            }
            done.signal()
        }
        for i in 0..<200 {
            try dir.updateRecord { $0.message = String(repeating: "x", count: i * 50); $0.elapsedSeconds = Double(i) }
        }
        stop.update { $0 = true }
        done.wait()
        XCTAssertEqual(failures.value, 0)
        XCTAssertGreaterThan(reads.value, 0)
        XCTAssertEqual(try dir.readRecord().elapsedSeconds, 199)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }

    func testResolveByPathIdPrefixAndName() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let a = try fx.makeRun(id: "20261123-000000-aaaa", name: "one")
        let b = try fx.makeRun(id: "20261123-000100-bbbb", name: "one")
        let c = try fx.makeRun(id: "20261123-000200-cccc", name: "two")
        let catalog = RunCatalog(runsDir: fx.runsDir)
        XCTAssertEqual(catalog.runs().map(\.url), [a.url, b.url, c.url])
        XCTAssertEqual(try catalog.resolve(a.url.path).url, a.url)
        XCTAssertEqual(try catalog.resolve("20261123-000100-bbbb").url, b.url)
        XCTAssertEqual(try catalog.resolve("20261123-0002").url, c.url)
        XCTAssertEqual(try catalog.resolve("one").url, b.url)  // latest of that name
        XCTAssertEqual(try catalog.resolve("tw").url, c.url)   // unique name prefix

        XCTAssertEqual(try catalog.resolve(fx.runsDir.appendingPathComponent("one").path).url, b.url)
        XCTAssertThrowsError(try catalog.resolve("20261123-")) { XCTAssertTrue("\($0)".contains("ambiguous"), "\($0)") }
        XCTAssertThrowsError(try catalog.resolve("nope")) { XCTAssertTrue("\($0)".contains("no such run"), "\($0)") }
    }

    /// `run.json`'s `evals` (the gate record) is additive: a record without it loads and writes no `evals` key;
    /// a stage's eval recorded again replaces the earlier one.
    func testEvalRecordsAreAdditiveInRunJSON() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let dir = try fx.makeRun(id: "20261123-000000-aaaa")
        let old = try String(contentsOf: dir.recordURL, encoding: .utf8)
        XCTAssertFalse(old.contains("evals"), old)
        XCTAssertNil(try dir.readRecord().evals)
        let fail = StageEval(suite: "basic-python", stage: "finetune", verdict: .fail, gated: true, directory: "evals/basic-python/finetune")
        try dir.updateRecord {
            $0.record(StageEval(suite: "basic-python", stage: "pretrain", verdict: .pass, gated: false, directory: "evals/basic-python/pretrain"))
            $0.record(StageEval(suite: "Evals/x.yaml", stage: "finetune", verdict: .error, gated: true, message: "no sandbox"))
            $0.record(StageEval(suite: "basic-python", stage: "finetune", verdict: .pass, gated: true))
            $0.record(fail)
        }
        let evals = try XCTUnwrap(try dir.readRecord().evals)
        XCTAssertEqual(evals.map(\.stage), ["pretrain", "finetune", "finetune"])
        XCTAssertEqual(evals.last, fail)
        XCTAssertEqual(evals[1].verdict, .error)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.recordURL)) as? [String: Any])
        let last = try XCTUnwrap((json["evals"] as? [[String: Any]])?.last)
        XCTAssertEqual(last["verdict"] as? String, "fail")
        XCTAssertEqual(last["gated"] as? Bool, true)
        XCTAssertEqual(last["directory"] as? String, "evals/basic-python/finetune")
        XCTAssertEqual(dir.relativePath(of: dir.evalURL(suite: "basic-python", label: "finetune")), "evals/basic-python/finetune")
    }

    func testSummaryReadsStagesLossesAndPassAtK() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let dir = try fx.makeRun(id: "20261123-000000-aaaa", passAt1: 0.25)
        let s = try RunSummary(directory: dir)
        XCTAssertEqual(s.stages.map(\.name), ["pretrain", "finetune"])
        XCTAssertEqual(s.stages[0].finalTrainLoss, 6.5)
        XCTAssertEqual(s.stages[0].finalValLoss ?? 0, 6.6, accuracy: 1e-12)
        XCTAssertEqual(s.stages[1].steps, 4)
        XCTAssertEqual(s.tokens, 8000)
        XCTAssertEqual(s.finalTrainLoss, 4.5)
        XCTAssertEqual(s.bestPassAtK["basic"]?["pass@1"], 0.25)
        // A periodic eval (a few problems, few samples) scoring higher does not become the run's best...
        func periodic(_ suite: String, _ value: Double) throws {
            let evalDir = dir.evalURL(suite: suite, label: "step-00000002")
            try FileManager.default.createDirectory(at: evalDir, withIntermediateDirectories: true)
            try Data("{\"pass_at_k\": {\"pass@1\": \(value)}, \"verdict\": \"pass\"}".utf8)
                .write(to: evalDir.appendingPathComponent("summary.json"))
        }
        try periodic("basic", 0.9)
        try periodic("other", 0.5)
        let withPeriodic = try RunSummary(directory: dir)
        XCTAssertEqual(withPeriodic.bestPassAtK["basic"]?["pass@1"], 0.25)
        // ...unless the suite has nothing but periodic evals.
        XCTAssertEqual(withPeriodic.bestPassAtK["other"]?["pass@1"], 0.5)
        let table = RunListing.table([s]).plain()
        XCTAssertTrue(table.contains("basic pass@1=0.250"), table)
        XCTAssertTrue(table.contains("2/2"), table)
        XCTAssertTrue(try RunListing.show(s).contains("lr: 0.001"))
    }
}

/// A value shared between the test thread and a reader thread.
final class Locked<T>: @unchecked Sendable {
    private var v: T
    private let lock = NSLock()
    init(_ v: T) { self.v = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return v }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&v); lock.unlock() }
}
