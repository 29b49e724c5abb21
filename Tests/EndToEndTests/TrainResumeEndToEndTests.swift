import Foundation
import XCTest

/// `codetune train` killed with SIGKILL at arbitrary moments and resumed until done produces the
/// same metrics log, line for line in loss, as a run never interrupted; SIGINT checkpoints and exits 130.
/// Runs the release binary in `CODETUNE_BIN`; skipped when unset.
final class TrainResumeEndToEndTests: XCTestCase {
    var binary: String!
    var dir: URL!

    override func setUpWithError() throws {
        binary = try codetuneBinary()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("train-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Stage 2 trains on the committed telemetry sample (completion-only loss).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let telemetrySample = root.appendingPathComponent("Datasets/telemetry-sample.jsonl")
        guard FileManager.default.fileExists(atPath: telemetrySample.path) else { throw XCTSkip("Datasets/telemetry-sample.jsonl not found") }
        // A small slice of the local Python standard library: no download, prepared in about a second.
        try """
        name: stdlib-slice
        sources:
          - python_stdlib: true
            python: python3
            exclude_tests: true
            include: ["json/**", "email/**", "http/**", "logging/**", "collections/**"]
        languages: {python: [py]}
        split: {validation_fraction: 0.05}
        tokenizer: {train: {vocab_size: 512}}
        """.write(to: dir.appendingPathComponent("data.yaml"), atomically: true, encoding: .utf8)
        try """
        name: resume-check
        seed: 5
        threads: 2
        model: {hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
                num_key_value_heads: 2, max_position_embeddings: 64}
        stages:
          - {name: first, data: data.yaml, steps: 30, batch_size: 4, context: 64, lr: 0.003, warmup: 5,
             log_every: 1, eval_every: 10, val_batches: 2, checkpoint_every: 4, keep_last: 2}
          - {name: second, objective: completion, data: \(telemetrySample.path), steps: 24, batch_size: 4, context: 64, lr: 0.001, grad_accum: 2,
             log_every: 1, eval_every: 6, val_batches: 2, checkpoint_every: 5, carry_optimizer: true}
        """.write(to: dir.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func launch(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        // The last launch's stderr, so a failing exit status comes with its reason.
        let log = dir.appendingPathComponent("last-stderr.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil), "cannot create \(log.path)")
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        return p
    }

    func runToEnd(_ args: [String]) throws -> Int32 {
        let p = try launch(args)
        p.waitUntilExit()
        return p.terminationStatus
    }

    struct Row: Equatable { var step: Int; var split: String; var stage: String; var loss: Double }

    /// Every line of metrics.jsonl; fails on a torn or unparsable line.
    func rows(_ runDir: URL) throws -> [Row] {
        let text = try String(contentsOf: runDir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"), "torn last line")
        return try text.split(separator: "\n").map { line in
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "bad line: \(line)")
            return Row(step: o["step"] as! Int, split: o["split"] as! String, stage: o["stage"] as! String, loss: o["loss"] as! Double)
        }
    }

    /// Published run directories (a temporary left by a kill during creation is dot-named).
    func runDirs(_ runsDir: URL) -> [URL] {
        let nameDir = runsDir.appendingPathComponent("resume-check")
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: nameDir.path)) ?? []).filter { !$0.hasPrefix(".") }
        return ids.sorted().map { nameDir.appendingPathComponent($0) }
    }

    func onlyRun(_ runsDir: URL) throws -> URL {
        let dirs = runDirs(runsDir)
        XCTAssertEqual(dirs.count, 1, "\(dirs)")
        return try XCTUnwrap(dirs.first)
    }

    func status(_ runDir: URL) throws -> String {
        let o = try JSONSerialization.jsonObject(with: Data(contentsOf: runDir.appendingPathComponent("run.json"))) as? [String: Any]
        return o?["status"] as? String ?? "?"
    }

    func testKilledAtRandomMomentsAndResumedEqualsAnUninterruptedRun() throws {
        let whole = dir.appendingPathComponent("whole")
        let started = Date()
        XCTAssertEqual(try runToEnd(["train", "run.yaml", "--runs-dir", whole.path, "--quiet"]), 0)
        // Kill delays scale with how long an uninterrupted run takes on this machine right now.
        let runSeconds = Date().timeIntervalSince(started)
        let expected = try rows(try onlyRun(whole))
        XCTAssertEqual(expected.filter { $0.split == "train" }.map(\.step), Array(1...54))

        let killed = dir.appendingPathComponent("killed")
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var killedAfterCompletion = false
        var process = try launch(["train", "run.yaml", "--runs-dir", killed.path, "--quiet"])
        while true {
            // Kill at a random moment (dataset and model set-up, mid-step, mid-checkpoint ...);
            // after 40 kills let it finish.
            if kills >= 40 { process.waitUntilExit(); break }
            let delay = Double.random(in: 0.05...max(0.1, runSeconds * 0.5), using: &generator)
            let deadline = Date().addingTimeInterval(delay)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if !process.isRunning { break }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            let published = runDirs(killed)
            XCTAssertLessThanOrEqual(published.count, 1)
            guard let runDir = published.first else {
                // Killed before the run directory was published: start again.
                process = try launch(["train", "run.yaml", "--runs-dir", killed.path, "--quiet"])
                continue
            }
            // Killed after run.json said completed, on the way out: nothing is left to resume.
            if try status(runDir) == "completed" { killedAfterCompletion = true; break }
            process = try launch(["train", "--resume", runDir.path, "--runs-dir", killed.path, "--quiet"])
        }
        if !killedAfterCompletion {
            XCTAssertEqual(process.terminationStatus, 0, (try? String(contentsOf: dir.appendingPathComponent("last-stderr.log"), encoding: .utf8)) ?? "")
        }
        print("train e2e: \(kills) kills before the run completed")
        let runDir = try onlyRun(killed)
        XCTAssertEqual(try status(runDir), "completed")
        let got = try rows(runDir)
        XCTAssertEqual(got.map(\.step), expected.map(\.step), "no gap or duplicate after \(kills) kills")
        XCTAssertEqual(got, expected, "loss sequence after \(kills) kills must equal the uninterrupted run's")
        XCTAssertGreaterThan(kills, 0, "the run finished before any kill; nothing was checked")
    }

    func testSIGINTFinishesTheStepCheckpointsAndExits130() throws {
        let runs = dir.appendingPathComponent("int")
        let p = try launch(["train", "run.yaml", "--runs-dir", runs.path, "--quiet"])
        // Wait for training to be under way.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let runDir = runDirs(runs).first, let r = try? rows(runDir), r.count >= 3 { break }
            usleep(50_000)
        }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        let runDir = try onlyRun(runs)
        XCTAssertEqual(try status(runDir), "interrupted")
        let last = try XCTUnwrap(try rows(runDir).last?.step)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: runDir.appendingPathComponent("checkpoints").path)
        XCTAssertTrue(checkpoints.contains(String(format: "step-%08d", last)) || checkpoints.contains { $0.hasPrefix("stage-") },
                      "a checkpoint of the stopping step: \(checkpoints)")
        XCTAssertEqual(try runToEnd(["train", "--resume", runDir.path, "--runs-dir", runs.path, "--quiet"]), 0)
        XCTAssertEqual(try status(runDir), "completed")
    }
}
