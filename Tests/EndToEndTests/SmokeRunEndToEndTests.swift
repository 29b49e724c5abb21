import Foundation
import XCTest

/// `codetune train Runs/smoke.yaml`: both stages, checkpoints loadable as Hugging Face directories,
/// the eval at the end, and a run history that `runs list` reads — the quick start's path in
/// well under a minute. Runs the release binary in `CODETUNE_BIN`; skipped when unset.
final class SmokeRunEndToEndTests: XCTestCase {
    func testSmokeConfigTrainsBothStagesAndEvaluates() throws {
        let bin = try codetuneBinary()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: runs) }

        func codetune(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
            p.currentDirectoryURL = root
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }

        let started = Date()
        XCTAssertEqual(try codetune(["train", "Runs/smoke.yaml", "--runs-dir", runs.path, "--quiet"]).0, 0)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertLessThan(seconds, 120, "smoke run took \(Int(seconds)) s")

        let nameDir = runs.appendingPathComponent("smoke")
        let id = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: nameDir.path).first { !$0.hasPrefix(".") })
        let run = nameDir.appendingPathComponent(id)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any]
        XCTAssertEqual(record?["status"] as? String, "completed")
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("\"stage\":\"pretrain\"") && metrics.contains("\"stage\":\"finetune\""))
        for stage in ["pretrain", "finetune"] {
            let ckpt = run.appendingPathComponent("checkpoints/stage-\(stage)")
            for file in ["config.json", "model.safetensors", "tokenizer.json", "optimizer.safetensors", "state.json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: ckpt.appendingPathComponent(file).path), "\(stage)/\(file)")
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("evals/basic-python/finetune/summary.json").path))
        let (status, listing) = try codetune(["runs", "list", "--runs-dir", runs.path])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(listing.contains(id) && listing.contains("completed") && listing.contains("basic-python pass@1="), listing)
    }
}
