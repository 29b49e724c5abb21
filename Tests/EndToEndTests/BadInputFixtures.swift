import Foundation
import XCTest

/// The files the bad-input table runs against, written once per test process into a temporary directory:
/// a tiny checkpoint, a suite and problems, good and broken JSON lines, telemetry, train configs that
/// `train --check` must refuse, a dataset source with symbolic links out of its root, and a tiny trained run
/// whose state the run-state cases change.
final class BadInputFixtures {
    let dir: URL
    private(set) var runDirectory: URL?

    /// The fixtures, written once (nil when `CODETUNE_BIN` is unset).
    nonisolated(unsafe) static var shared: BadInputFixtures?
    private static let lock = NSLock()

    static func make() throws -> BadInputFixtures {
        lock.lock(); defer { lock.unlock() }
        if let shared { return shared }
        let f = try BadInputFixtures()
        shared = f
        return f
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    private func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: dir.appendingPathComponent(name))
    }

    private init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        // A tiny checkpoint: codetune's own tokenizer and random weights.
        try String(repeating: "def double(x):\n    return 2 * x\n\n", count: 60).write(to: dir.appendingPathComponent("corpus.txt"), atomically: true, encoding: .utf8)
        try fm.createDirectory(at: dir.appendingPathComponent("ck"), withIntermediateDirectories: true)
        let trained = try runCodetune(["tokenizer", "train", "--input", path("corpus.txt"), "--vocab-size", "300", "--quiet", "--out", path("ck/tokenizer.json")])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        try TinyMistralFiles.write(into: dir.appendingPathComponent("ck"), vocabSize: 300)

        // Problems and suites.
        try write("p.jsonl", #"{"task_id": "d/0", "prompt": "def double(x):\n", "canonical_solution": "    return 2 * x\n", "test": "def check(candidate):\n    assert candidate(2) == 4\n", "entry_point": "double"}"# + "\n")
        try write("s.yaml", "problems: p.jsonl\ntimeout_s: 5\nn: 10\nk: [1, 10]\nthresholds:\n  pass@1: 0.5\n  pass@10: 0.5\n")
        try write("s1.yaml", "problems: p.jsonl\ntimeout_s: 5\nn: 1\nk: [1]\nthresholds:\n  pass@1: 0.5\n")
        try write("good-samples.jsonl", #"{"task_id": "d/0", "completion": "    return 2 * x\n"}"# + "\n")
        try write("crlf-samples.jsonl", #"{"task_id": "d/0", "completion": "    return 2 * x\n"}"# + "\r\n")
        try write("array-samples.jsonl", "[1, 2]\n")
        try write("broken-samples.jsonl", "{\"task_id\": \"d/0\", \"completion\": \n")
        try write("unknown-task.jsonl", #"{"task_id": "zz/9", "completion": "pass"}"# + "\n")
        try write("nonutf8-samples.jsonl", bytes: Array(#"{"task_id": "d/0", "completion": "    return 2 * x # "#.utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8))
        try write("empty.txt", "")
        try write("afile", "a file, not a directory\n")
        try write("binary.bin", bytes: [0, 1, 2, 0xFF, 0xFE, 0x80, 10])
        try write("bad.yaml", "problems: [unclosed\n")
        try write("suite-no-problems.yaml", "problems: nowhere.jsonl\nn: 1\nk: [1]\n")
        try write("suite-bad-k.yaml", "problems: p.jsonl\nn: 1\nk: [0]\n")
        try fm.createDirectory(at: dir.appendingPathComponent("adir"), withIntermediateDirectories: true)

        // Telemetry: the committed sample's first lines, a non-UTF-8 line, CRLF endings, a contaminating event
        // on a broken line.
        let sample = try String(contentsOf: root.appendingPathComponent("Datasets/telemetry-sample.jsonl"), encoding: .utf8)
        let lines = sample.split(separator: "\n").prefix(6).joined(separator: "\n") + "\n"
        try write("tel.jsonl", lines)
        try write("tel-crlf.jsonl", lines.replacingOccurrences(of: "\n", with: "\r\n"))
        try write("tel-nonutf8.jsonl", bytes: Array(lines.utf8) + Array(#"{"id": "x", "prefix": ""#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
        try write("tel-broken.jsonl", lines + #"{"prefix": "def double(x):\n", "suggestion": "    return 2 * x\n" "#
                  + String(repeating: "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi ", count: 3) + "\n")
        try write("tokenizer-broken.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": [1, 2]}}\n")
        try write("safetensors-short.safetensors", "\u{8}\0\0\0\0\0\0\0{}")

        // A dataset source with links out of its root: to a file and to `/`.
        let src = dir.appendingPathComponent("src")
        try fm.createDirectory(at: src, withIntermediateDirectories: true)
        for i in 0..<4 {
            try String(repeating: "def f\(i)(x):\n    return x + \(i)\n\n", count: 30).write(to: src.appendingPathComponent("m\(i).py"), atomically: true, encoding: .utf8)
        }
        try fm.createSymbolicLink(atPath: src.appendingPathComponent("passwd.py").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: src.appendingPathComponent("root").path, withDestinationPath: "/")
        try write("links.yaml", """
            name: links
            sources:
              - directory: src
            languages: {python: [py]}
            split: {validation_fraction: 0.2}
            tokenizer: {train: {vocab_size: 512}}
            """)
        let clean = dir.appendingPathComponent("src-clean")
        try fm.createDirectory(at: clean, withIntermediateDirectories: true)
        for i in 0..<4 {
            try fm.copyItem(at: src.appendingPathComponent("m\(i).py"), to: clean.appendingPathComponent("m\(i).py"))
        }
        try write("tiny-src.yaml", """
            name: tiny
            sources:
              - directory: src-clean
            languages: {python: [py]}
            split: {validation_fraction: 0.2}
            tokenizer: {train: {vocab_size: 512}}
            """)

        // Train configs: one that trains in a second, and ones `train --check` must refuse.
        let model = "model: {hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 32}\n"
        let stage1 = "  - {name: a, data: tiny-src.yaml, steps: 2, batch_size: 2, context: 16, lr: 0.001, warmup: 0, log_every: 1, eval_every: 0, val_batches: 1}\n"
        try write("tiny-run.yaml", "name: tiny\nseed: 1\nthreads: 1\n" + model + "stages:\n" + stage1
                  + "  - {name: b, data: tiny-src.yaml, steps: 2, batch_size: 2, context: 16, lr: 0.001, warmup: 0, log_every: 1, eval_every: 0, val_batches: 1}\n")
        try write("stage2-dir.yaml", "name: s2\nseed: 1\nthreads: 1\n" + model + "stages:\n" + stage1
                  + "  - {name: b, objective: completion, data: adir, steps: 2, batch_size: 2, context: 16, lr: 0.001}\n")
        try write("init-broken.yaml", "name: ib\nseed: 1\nthreads: 1\nmodel: {init_from: adir}\nstages:\n" + stage1)
        try write("tokenizer-bad.yaml", "name: tb\nseed: 1\nthreads: 1\ntokenizer: empty.txt\n" + model + "stages:\n" + stage1)
        try write("huge-model.yaml", "name: huge\nseed: 1\nthreads: 1\n"
                  + "model: {hidden_size: 32768, intermediate_size: 131072, num_hidden_layers: 4, num_attention_heads: 64, num_key_value_heads: 8, max_position_embeddings: 256}\n"
                  + "stages:\n" + stage1)
        try write("missing-data.yaml", "name: md\nseed: 1\nthreads: 1\n" + model + "stages:\n"
                  + "  - {name: a, data: nowhere.yaml, steps: 2, batch_size: 2, context: 16, lr: 0.001}\n")

        // A run trained to the end, for the run-state cases.
        let runs = path("runs")
        let train = try runCodetune(["train", path("tiny-run.yaml"), "--runs-dir", runs, "--quiet"])
        XCTAssertEqual(train.status, 0, train.stderr)
        if let id = try? fm.contentsOfDirectory(atPath: runs + "/tiny").first(where: { !$0.hasPrefix(".") }) {
            runDirectory = URL(fileURLWithPath: runs + "/tiny/" + id)
        }
    }

    /// Sets `status` in the trained run's `run.json`.
    func setRunStatus(_ status: String) throws {
        guard let run = runDirectory else { throw XCTSkip("the tiny run did not train") }
        let url = run.appendingPathComponent("run.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        record["status"] = status
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]).write(to: url)
    }

    /// The trained run's `run.json` status.
    func runStatus() throws -> String? {
        guard let run = runDirectory else { return nil }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any]
        return record?["status"] as? String
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}
