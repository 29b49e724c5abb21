import Foundation
import XCTest

/// Data-parallel training under `mpirun -np 2` and sharded evaluation, driving the built binary
/// (`CODETUNE_BIN`): 2 ranks equal one process with the same config bit for bit (losses, gradient norms,
/// weights, moments); a run whose rank is killed with SIGKILL resumes exactly, under 2 ranks and under
/// one; `eval --shard` + `eval merge` give the unsharded run's reports. The MPI tests skip with a
/// message where `mpirun` is missing. Filter: `swift test --filter MPIEndToEndTests`.
final class MPIEndToEndTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["CODETUNE_BIN"] != nil else { throw XCTSkip("CODETUNE_BIN is not set") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// `mpirun` on PATH, or a skip saying so.
    func mpirun() throws -> String {
        for d in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(d)/mpirun"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("mpirun is not installed (Scripts/ensure-deps installs openmpi-bin and libopenmpi-dev)")
    }

    /// One interpreter by absolute path: `python3` through PATH can resolve differently inside `mpirun`
    /// (pyenv shims), which would prepare a different dataset.
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// A small stdlib slice (prepared in about a second) and a one-stage config with `grad_accum: 2`:
    /// under 2 ranks each takes one micro-batch of 4 sequences per step.
    func writeConfig() throws {
        try """
        name: stdlib-slice
        sources:
          - python_stdlib: true
            python: \(Self.python)
            exclude_tests: true
            include: ["json/**", "email/**", "http/**"]
        languages: {python: [py]}
        split: {validation_fraction: 0.05}
        tokenizer: {train: {vocab_size: 512}}
        """.write(to: dir.appendingPathComponent("data.yaml"), atomically: true, encoding: .utf8)
        try """
        name: dp
        seed: 5
        threads: 1
        model: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
                num_key_value_heads: 2, max_position_embeddings: 64}
        stages:
          - {name: first, data: data.yaml, steps: 16, batch_size: 4, context: 64, lr: 0.003, warmup: 2,
             log_every: 1, eval_every: 8, val_batches: 2, checkpoint_every: 4, keep_last: 8, grad_accum: 2}
        """.write(to: dir.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
    }

    /// Starts `codetune ARGS` (under `mpirun -np ranks` when ranks > 1) in `dir`; stderr to `log`.
    func launch(_ args: [String], ranks: Int, log: String) throws -> Process {
        let bin = ProcessInfo.processInfo.environment["CODETUNE_BIN"]!
        let p = Process()
        if ranks > 1 {
            p.executableURL = URL(fileURLWithPath: try mpirun())
            p.arguments = ["-np", "\(ranks)", "--oversubscribe", "--allow-run-as-root", "--bind-to", "none", bin] + args
        } else {
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
        }
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        p.environment = env
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        let url = dir.appendingPathComponent(log)
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        p.standardError = try FileHandle(forWritingTo: url)
        try p.run()
        return p
    }

    func train(_ args: [String], ranks: Int) throws {
        let log = "train-\(UUID().uuidString).log"
        let p = try launch(args, ranks: ranks, log: log)
        p.waitUntilExit()
        let text = (try? String(contentsOf: dir.appendingPathComponent(log), encoding: .utf8)) ?? ""
        XCTAssertEqual(p.terminationStatus, 0, "codetune \(args.joined(separator: " ")) on \(ranks) rank(s): \(text)")
    }

    func onlyRun(_ runsDir: String) throws -> URL {
        let names = dir.appendingPathComponent(runsDir).appendingPathComponent("dp")
        let ids = try FileManager.default.contentsOfDirectory(atPath: names.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(ids.count, 1, "\(ids)")
        return names.appendingPathComponent(try XCTUnwrap(ids.first))
    }

    /// metrics.jsonl without the wall-clock fields (elapsed, time, tokens/s, MFU).
    func metrics(_ run: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            var o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for k in ["elapsed", "time", "tokens_per_s", "mfu"] { o[k] = nil }
            return o.mapValues { "\($0)" }
        }
    }

    func runJSON(_ run: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any])
    }

    func final(_ run: URL, _ file: String) throws -> Data {
        try Data(contentsOf: run.appendingPathComponent("checkpoints/stage-first/\(file)"))
    }

    /// 2 ranks × batch 4 × one micro-batch each = 1 process × batch 4 × grad_accum 2, bit for bit.
    func testTwoRanksEqualOneProcessWithGradAccum() throws {
        _ = try mpirun()
        try writeConfig()
        try train(["train", "run.yaml", "--runs-dir", "one", "--quiet"], ranks: 1)
        try train(["train", "run.yaml", "--runs-dir", "two", "--quiet"], ranks: 2)
        let one = try onlyRun("one"), two = try onlyRun("two")
        let expected = try metrics(one)
        XCTAssertEqual(expected.filter { $0["split"] == "train" }.count, 16)
        XCTAssertEqual(try metrics(two), expected)
        XCTAssertEqual(try final(two, "model.safetensors"), try final(one, "model.safetensors"))
        XCTAssertEqual(try final(two, "optimizer.safetensors"), try final(one, "optimizer.safetensors"))
        XCTAssertEqual(try runJSON(two)["world_size"] as? Int, 2)
        XCTAssertNil(try runJSON(one)["world_size"])
        XCTAssertEqual(try runJSON(two)["status"] as? String, "completed")
    }

    /// A rank killed with SIGKILL once a checkpoint at step ≥ 4 exists; resumed under 2 ranks, the other
    /// killed once one at step ≥ 12 exists; resumed by one process (another world size, the same global
    /// batch) to the end: the metrics and final weights equal an uninterrupted run's.
    func testKilledRankResumesExactlyUnderAnyWorldSize() throws {
        _ = try mpirun()
        try writeConfig()
        try train(["train", "run.yaml", "--runs-dir", "whole", "--quiet"], ranks: 1)
        let whole = try onlyRun("whole")

        /// Kills the `rank`-th child of `mpirun` by pid order (which rank that is does not matter).
        /// Returns whether it killed one; a run that finished before a checkpoint at `step` was seen (a fast
        /// machine: step checkpoints are pruned when the stage ends) must have exited 0.
        func killRank(_ rank: Int, atStep step: Int, _ args: [String]) throws -> Bool {
            let p = try launch(args, ranks: 2, log: "killed-\(rank).log")
            let deadline = Date().addingTimeInterval(300)
            var killed = false
            while p.isRunning && Date() < deadline && !killed {
                usleep(50_000)
                guard latestStepCheckpoint("killed") >= step else { continue }
                let ranks = try children(of: p.processIdentifier)
                guard ranks.count == 2 else { continue }
                kill(ranks[rank], SIGKILL)
                killed = true
            }
            p.waitUntilExit()
            if killed {
                XCTAssertNotEqual(p.terminationStatus, 0, "mpirun reports the killed rank")
            } else {
                XCTAssertEqual(p.terminationStatus, 0, "finished before a checkpoint at step \(step) was seen, so it must succeed")
            }
            return killed
        }
        XCTAssertTrue(try killRank(1, atStep: 4, ["train", "run.yaml", "--runs-dir", "killed", "--quiet"]),
                      "never saw a checkpoint at step 4 or later")
        let run = try onlyRun("killed")
        XCTAssertNotEqual(try runJSON(run)["status"] as? String, "completed")
        if try killRank(0, atStep: 12, ["train", "--resume", run.path, "--quiet"]) {
            try train(["train", "--resume", run.path, "--quiet"], ranks: 1)
        }
        XCTAssertEqual(try runJSON(run)["status"] as? String, "completed")
        XCTAssertEqual(try metrics(run), try metrics(whole))
        XCTAssertEqual(try final(run, "model.safetensors"), try final(whole, "model.safetensors"))
    }

    /// The highest step of a published `step-N` checkpoint of the run under `runsDir` (0 when none yet).
    func latestStepCheckpoint(_ runsDir: String) -> Int {
        let names = dir.appendingPathComponent(runsDir).appendingPathComponent("dp")
        guard let id = (try? FileManager.default.contentsOfDirectory(atPath: names.path))?.first(where: { !$0.hasPrefix(".") }),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: names.appendingPathComponent(id).appendingPathComponent("checkpoints").path)
        else { return 0 }
        return entries.filter { $0.hasPrefix("step-") }.compactMap { Int($0.dropFirst(5)) }.max() ?? 0
    }

    /// The pids of `parent`'s children (the ranks of an `mpirun`), in pid order, from /proc.
    func children(of parent: Int32) throws -> [Int32] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }.sorted()
    }

    /// `eval --canonical` run whole and as 3 shards, then `eval merge`: the same samples, results
    /// (but for each sample's duration), summary (but for timing), junit.xml and summary.md (but for timing);
    /// the same again from `mpirun -np 2 codetune eval` (where mpirun is installed).
    func testShardedEvalMergedEqualsTheWholeSuite() throws {
        let problems = (0..<8).map { i in
            #"{"task_id": "s/\#(i)", "prompt": "def f(x):\n", "canonical_solution": "    return x + \#(i % 3 == 0 ? 0 : i)\n", "test": "def check(candidate):\n    assert candidate(1) == \#(1 + i)\n", "entry_point": "f"}"#
        }
        try (problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        try "problems: p.jsonl\ntimeout_s: 3\nn: 1\nk: [1]\nthresholds:\n  pass@1: 0.5\n"
            .write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        func eval(_ args: [String]) throws -> CodetuneResult {
            try runCodetune(["eval", "s.yaml", "--canonical", "--sandbox", "rlimits", "--workers", "1"] + args, in: dir)
        }
        let whole = try eval(["--out", "whole"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        for i in 0..<3 {
            let r = try eval(["--out", "shard-\(i)", "--shard", "\(i)/3"])
            XCTAssertTrue([0, 1].contains(r.status), r.stderr)
        }
        let merged = try runCodetune(["eval", "merge", "merged", "shard-2", "shard-0", "shard-1"], in: dir)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        func text(_ d: String, _ f: String) throws -> String {
            var t = try String(contentsOf: dir.appendingPathComponent(d).appendingPathComponent(f), encoding: .utf8)
            // Wall-clock figures differ between any two runs.
            for pattern in [#""duration_ms":\d+"#, #""wall_s" : [0-9.e-]+"#, #""samples_per_s" : [0-9.e-]+"#, #""workers" : \d+"#,
                            #"time="[0-9.e-]+""#, #"\d+ workers, [0-9.]+ samples/s"#] {
                t = t.replacingOccurrences(of: pattern, with: "…", options: .regularExpression)
            }
            return t
        }
        for f in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
            XCTAssertEqual(try text("merged", f), try text("whole", f), f)
        }
        // Under mpirun, eval shards itself over the ranks and rank 0 merges.
        if (try? mpirun()) != nil {
            let p = try launch(["eval", "s.yaml", "--canonical", "--sandbox", "rlimits", "--workers", "1", "--out", "ranks"], ranks: 2, log: "ranks.log")
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, (try? String(contentsOf: dir.appendingPathComponent("ranks.log"), encoding: .utf8)) ?? "")
            for f in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
                XCTAssertEqual(try text("ranks", f), try text("whole", f), "mpirun: \(f)")
            }
        }
        let bad = try runCodetune(["eval", "merge", "merged2", "shard-0", "shard-1"], in: dir)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("missing 2/3"), bad.stderr)
    }
}
