import Foundation
import XCTest

/// `codetune train` with a full stage then a LoRA stage (q4 base, dropout): stopped with SIGINT inside the
/// LoRA stage and resumed, the metrics equal an uninterrupted run's; the LoRA checkpoints hold only the
/// adapters; `export` writes the merged model and `export --adapter` PEFT's files; `sample` decodes the
/// merged model. Runs the release binary in `CODETUNE_BIN`; skipped when unset.
final class LoRAEndToEndTests: XCTestCase {
    var binary: String!
    var dir: URL!

    override func setUpWithError() throws {
        binary = try codetuneBinary()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lora-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        name: stdlib-slice
        sources:
          - python_stdlib: true
            python: python3
            exclude_tests: true
            include: ["json/**", "email/**", "http/**"]
        languages: {python: [py]}
        split: {validation_fraction: 0.05}
        tokenizer: {train: {vocab_size: 512}}
        """.write(to: dir.appendingPathComponent("data.yaml"), atomically: true, encoding: .utf8)
        try """
        name: lora-check
        seed: 7
        threads: 2
        model: {hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4,
                num_key_value_heads: 2, max_position_embeddings: 64}
        stages:
          - {name: full, data: data.yaml, steps: 10, batch_size: 4, context: 32, lr: 0.003, log_every: 1, val_batches: 2}
          - {name: adapt, data: data.yaml, steps: 40, batch_size: 4, context: 32, lr: 0.01, log_every: 1, eval_every: 10,
             val_batches: 2, checkpoint_every: 2, lora: {rank: 4, alpha: 8, dropout: 0.1}, base_precision: q4}
        """.write(to: dir.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func launch(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func runToEnd(_ args: [String]) throws -> Int32 {
        let p = try launch(args)
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// (step, split, stage, loss) of every metrics line.
    func rows(_ runDir: URL) throws -> [String] {
        let text = (try? String(contentsOf: runDir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return "\(o["step"] ?? "") \(o["split"] ?? "") \(o["stage"] ?? "") \(o["loss"] ?? "")"
        }
    }

    /// The published run directories under `runs` (a temporary being created is dot-named).
    func runDirs(_ runs: URL) -> [URL] {
        let parent = runs.appendingPathComponent("lora-check")
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []).filter { !$0.hasPrefix(".") }
        return ids.sorted().map { parent.appendingPathComponent($0) }
    }

    func onlyRun(_ runs: URL) throws -> URL {
        let dirs = runDirs(runs)
        XCTAssertEqual(dirs.count, 1, "\(dirs)")
        return try XCTUnwrap(dirs.first)
    }

    func testInterruptedLoRAStageResumesExactlyAndExportsBothWays() throws {
        let whole = dir.appendingPathComponent("whole")
        XCTAssertEqual(try runToEnd(["train", "run.yaml", "--runs-dir", whole.path, "--quiet"]), 0)
        let wholeRun = try onlyRun(whole)
        let expected = try rows(wholeRun)
        XCTAssertTrue(expected.contains { $0.hasPrefix("50 train adapt") }, "\(expected.suffix(3))")

        // SIGINT once the LoRA stage is under way, then resume.
        let parted = dir.appendingPathComponent("parted")
        let p = try launch(["train", "run.yaml", "--runs-dir", parted.path, "--quiet"])
        let deadline = Date().addingTimeInterval(300)
        while p.isRunning && Date() < deadline {
            if let run = runDirs(parted).first, let r = try? rows(run), r.contains(where: { $0.hasPrefix("15 train adapt") }) { break }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        let run = try onlyRun(parted)
        XCTAssertEqual(try runToEnd(["train", "--resume", run.path, "--runs-dir", parted.path, "--quiet"]), 0)
        XCTAssertEqual(try rows(run), expected, "the metrics after a resume inside the LoRA stage equal the uninterrupted run's")

        let end = wholeRun.appendingPathComponent("checkpoints/stage-adapt")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: end.path))
        XCTAssertTrue(files.isSuperset(of: ["adapter_config.json", "adapter_model.safetensors", "base_model.json"]), "\(files)")
        XCTAssertFalse(files.contains("model.safetensors"), "a LoRA checkpoint holds no base weights")

        let merged = dir.appendingPathComponent("merged"), adapter = dir.appendingPathComponent("adapter")
        XCTAssertEqual(try runToEnd(["export", "--model", end.path, "--out", merged.path]), 0)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: merged.path)), ["config.json", "model.safetensors", "tokenizer.json"])
        XCTAssertEqual(try runToEnd(["export", "--model", end.path, "--out", adapter.path, "--adapter"]), 0)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: adapter.path)), ["adapter_config.json", "adapter_model.safetensors"])
        XCTAssertEqual(try runToEnd(["export", "--model", wholeRun.appendingPathComponent("checkpoints/stage-full").path,
                                     "--out", dir.appendingPathComponent("x").path, "--adapter"]), 2, "a full checkpoint has no adapter")
        XCTAssertEqual(try runToEnd(["sample", "--model", end.path, "--prompt", "def f(x):", "--max-new-tokens", "8"]), 0)
    }
}
