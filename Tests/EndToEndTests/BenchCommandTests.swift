import Foundation
import XCTest

/// `codetune bench train` / `bench sample` on a tiny shape: one JSON object with the figures, the same
/// losses and generated ids when repeated, and exit 2 with one line for a shape that cannot be built.
/// Runs the binary in `CODETUNE_BIN`.
final class BenchCommandTests: XCTestCase {
    let tiny = ["--vocab", "64", "--hidden", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--mlp", "48"]

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try runCodetune(arguments)
        return (r.status, r.stdoutText, r.stderr)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testBenchTrainJSONAndRepeatableLosses() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["CODETUNE_BIN"] == nil, "CODETUNE_BIN not set")
        let args = ["bench", "train", "--json", "--context", "16", "--batch", "2", "--warmup", "1", "--steps", "3",
                    "--no-peak"] + tiny
        let first = try run(args), second = try run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        let a = try json(first.stdout), b = try json(second.stdout)
        XCTAssertEqual((a["losses"] as? [Double])?.count, 4)
        XCTAssertEqual(a["losses"] as? [Double], b["losses"] as? [Double], "same seed and threads: same losses")
        XCTAssertGreaterThan(a["tokens_per_s"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(a["peak_rss_bytes"] as? Double ?? 0, 0)
        XCTAssertEqual(a["params"] as? Int, 64 * 32 + 2 * (2 * 32 + 32 * 32 * 2 + 16 * 32 * 2 + 3 * 32 * 48) + 32)
        XCTAssertNil(a["mfu"] as? Double, "no peak measured, no MFU")
    }

    func testBenchSampleJSONAndBadShape() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["CODETUNE_BIN"] == nil, "CODETUNE_BIN not set")
        let args = ["bench", "sample", "--json", "--prompt", "12", "--new", "5", "--runs", "3", "--warmup", "1"] + tiny
        let first = try run(args), second = try run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        let a = try json(first.stdout), b = try json(second.stdout)
        XCTAssertEqual(a["generated_checksum"] as? String, b["generated_checksum"] as? String)
        XCTAssertEqual(a["prompt_tokens"] as? Int, 12, "--prompt: the hidden older spelling of --prompt-tokens")
        XCTAssertEqual(a["new_tokens"] as? Int, 5, "--new: the hidden older spelling of --new-tokens")
        let renamed = try run(["bench", "sample", "--json", "--prompt-tokens", "12", "--new-tokens", "5", "--runs", "3", "--warmup", "1"] + tiny)
        XCTAssertEqual(try json(renamed.stdout)["generated_checksum"] as? String, a["generated_checksum"] as? String)
        let p50 = try XCTUnwrap(a["request_ms_p50"] as? Double), p95 = try XCTUnwrap(a["request_ms_p95"] as? Double)
        XCTAssertLessThanOrEqual(p50, p95)

        let bad = try run(["bench", "sample", "--hidden", "30", "--heads", "4"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("num_attention_heads"), bad.stderr)
    }
}
