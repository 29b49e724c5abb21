import Foundation
import XCTest

/// `codetune sample` and `codetune eval --model` through the binary (`CODETUNE_BIN`), on a tiny random
/// checkpoint written on the fly inside a run directory layout (`RUN/checkpoints/stage-code/`).
final class SampleCommandTests: XCTestCase {
    var dir: URL!
    var run: URL!

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["CODETUNE_BIN"] != nil else { throw XCTSkip("CODETUNE_BIN is not set") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-sample-\(UUID())")
        run = dir.appendingPathComponent("Runs/tiny/20261123-000000")
        let checkpoint = run.appendingPathComponent("checkpoints/stage-code")
        try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
        let text = dir.appendingPathComponent("corpus.txt")
        try String(repeating: "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n", count: 50)
            .write(to: text, atomically: true, encoding: .utf8)
        let trained = try codetune(["tokenizer", "train", "--input", text.path, "--vocab-size", "300", "--quiet",
                                    "--out", checkpoint.appendingPathComponent("tokenizer.json").path])
        XCTAssertEqual(trained.code, 0, trained.stderr)
        try TinyMistralFiles.write(into: checkpoint, vocabSize: 300)
        try "{}".write(to: run.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)   // enough for the catalog
        try #"{"step": 10, "stage_index": 0, "stage": "code", "stage_step": 10, "stage_finished": true}"#.write(to: checkpoint.appendingPathComponent("state.json"),
                                                                         atomically: true, encoding: .utf8)
        let problems = [
            #"{"task_id": "t/0", "prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(0, 0) == 0\n    assert candidate(2, 2) == 4\n", "entry_point": "add"}"#,
            #"{"task_id": "t/1", "prompt": "def one():\n", "canonical_solution": "    return 1\n", "test": "def check(candidate):\n    assert candidate() == 1\n    assert candidate() + 1 == 2\n    assert candidate() * 2 == 2\n", "entry_point": "one"}"#,
        ]
        try (problems.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        try "problems: p.jsonl\ntimeout_s: 2\nn: 2\nk: [1]\nmax_new_tokens: 10\nthresholds:\n  pass@1: 0.5\n"
            .write(to: dir.appendingPathComponent("tiny.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func codetune(_ args: [String]) throws -> (code: Int32, stdout: String, stderr: String) {
        let r = try runCodetune(args)
        return (r.status, r.stdoutText, r.stderr)
    }

    func testSampleIsReproducibleAndRejectsBadInput() throws {
        let args = ["sample", "--model", run.path, "--prompt", "def add(a, b):\n", "--max-tokens", "8", "-n", "3",
                    "--temperature", "0.9", "--seed", "3", "--json"]
        let a = try codetune(args), b = try codetune(args)
        XCTAssertEqual(a.code, 0, a.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["completions"] as? [String])?.count, 3)
        let settings = try XCTUnwrap(object["settings"] as? [String: Any])
        XCTAssertEqual(settings["max_new_tokens"] as? Int, 8, "--max-tokens: the hidden older spelling of --max-new-tokens")
        XCTAssertTrue((object["checkpoint"] as? String)?.hasSuffix("checkpoints/stage-code") ?? false)
        let other = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["completions"] as? [String], other["completions"] as? [String])

        let plain = try codetune(["sample", "--model", run.path + ":code", "--prompt", "def", "--max-tokens", "4", "--temperature", "0"])
        XCTAssertEqual(plain.code, 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("tokens/s"), plain.stderr)
        // A run by name (its latest run) under --runs-dir, with a stage.
        let byName = try codetune(["sample", "--runs-dir", dir.appendingPathComponent("Runs").path, "--model", "tiny:code",
                                   "--prompt", "def", "--max-tokens", "4", "--temperature", "0"])
        XCTAssertEqual(byName.code, 0, byName.stderr)
        XCTAssertEqual(byName.stdout, plain.stdout)

        // Bad input: exit 2 with one line naming the place; bad usage: exit 2.
        for bad in [["sample", "--model", run.path + ":nope", "--prompt", "x"],
                    ["sample", "--model", dir.appendingPathComponent("missing").path, "--prompt", "x"]] {
            let r = try codetune(bad)
            XCTAssertEqual(r.code, 2, "\(bad): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        for bad in [["sample", "--model", run.path, "--prompt", "x", "--top-p", "0"], ["sample", "--model", run.path]] {
            XCTAssertEqual(try codetune(bad).code, 2, "\(bad)")
        }
    }

    func testEvalWithAModelWritesIntoTheRun() throws {
        let suite = dir.appendingPathComponent("tiny.yaml").path
        let r = try codetune(["eval", suite, "--model", run.path, "--workers", "2"])
        guard !r.stderr.contains("sandbox unavailable") else { throw XCTSkip("bubblewrap cannot run here") }
        XCTAssertEqual(r.code, 1, "a random model misses pass@1 ≥ 0.5: \(r.stdout) \(r.stderr)")
        XCTAssertTrue(r.stdout.contains("tokens/s"), r.stdout)
        let out = run.appendingPathComponent("evals/tiny/code")
        for name in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let lines = try String(contentsOf: out.appendingPathComponent("samples.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(Set(first.keys), ["task_id", "completion"])

        // --json with --out and overrides; the samples scored again through --samples give the same verdicts.
        let other = dir.appendingPathComponent("out").path
        let j = try codetune(["eval", suite, "--model", run.path, "--out", other, "--json", "-n", "1", "--temperature", "0"])
        XCTAssertEqual(j.code, 1, j.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let sampling = try XCTUnwrap(summary["sampling"] as? [String: Any])
        XCTAssertEqual(sampling["n"] as? Int, 1)
        XCTAssertEqual(sampling["temperature"] as? Double, 0)
        XCTAssertNotNil(sampling["tokens_per_s"])
        let rescored = try codetune(["eval", suite, "--samples", other + "/samples.jsonl", "--json"])
        let again = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(rescored.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(again["statuses"] as? [String: Int], summary["statuses"] as? [String: Int])

        let bad = try codetune(["eval", suite, "--samples", other + "/samples.jsonl", "--seed", "1"])
        XCTAssertEqual(bad.code, 2, bad.stderr)
    }
}

/// A random Mistral checkpoint (config.json + model.safetensors, Hugging Face names, F32) written without
/// the Models library: hidden 16, 2 layers, 4 heads, 2 kv heads, MLP 32, context 64.
enum TinyMistralFiles {
    static func write(into dir: URL, vocabSize: Int, seed: UInt64 = 1) throws {
        let d = 16, m = 32, layers = 2, heads = 4, kv = 2, headDim = 4
        let config: [String: Any] = [
            "architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_act": "silu",
            "vocab_size": vocabSize, "hidden_size": d, "intermediate_size": m, "num_hidden_layers": layers,
            "num_attention_heads": heads, "num_key_value_heads": kv, "head_dim": headDim,
            "max_position_embeddings": 64, "rope_theta": 10000.0, "rms_norm_eps": 1e-5, "tie_word_embeddings": true,
            "initializer_range": 0.02,
        ]
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]).write(to: dir.appendingPathComponent("config.json"))
        var tensors: [(String, [Int])] = [("model.embed_tokens.weight", [vocabSize, d])]
        for l in 0..<layers {
            let p = "model.layers.\(l)."
            tensors += [(p + "input_layernorm.weight", [d]), (p + "self_attn.q_proj.weight", [heads * headDim, d]),
                        (p + "self_attn.k_proj.weight", [kv * headDim, d]), (p + "self_attn.v_proj.weight", [kv * headDim, d]),
                        (p + "self_attn.o_proj.weight", [d, heads * headDim]), (p + "post_attention_layernorm.weight", [d]),
                        (p + "mlp.gate_proj.weight", [m, d]), (p + "mlp.up_proj.weight", [m, d]), (p + "mlp.down_proj.weight", [d, m])]
        }
        tensors.append(("model.norm.weight", [d]))
        var state = seed
        var body = Data()
        var header: [String: Any] = [:]
        for (name, shape) in tensors {
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 1, count: count)
            if shape.count == 2 {
                for i in 0..<count {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    values[i] = (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.8
                }
            }
            let start = body.count
            values.withUnsafeBufferPointer { body.append(Data(buffer: $0)) }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [start, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(body)
        try file.write(to: dir.appendingPathComponent("model.safetensors"))
    }
}
