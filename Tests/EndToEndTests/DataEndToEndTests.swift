import Foundation
import XCTest

/// `codetune data prepare | inspect` through the release binary (`CODETUNE_BIN`).
final class DataEndToEndTests: XCTestCase {
    var bin: String!
    var dir: URL!

    override func setUpWithError() throws {
        guard let path = ProcessInfo.processInfo.environment["CODETUNE_BIN"] else { throw XCTSkip("CODETUNE_BIN is not set") }
        bin = path
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("data-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("code/pkg"), withIntermediateDirectories: true)
        addTeardownBlock { [dir] in try? FileManager.default.removeItem(at: dir!) }
        for i in 0..<12 {
            var text = "\"\"\"Module \(i).\"\"\"\n\n"
            for j in 0..<20 { text += "def f\(j)_\(i)(x):\n    return x * \(j) + len(str(x))\n\n\n" }
            try Data(text.utf8).write(to: dir.appendingPathComponent("code/pkg/m\(i).py"))
        }
        try Data([0x23, 0xE9, 0x0A]).write(to: dir.appendingPathComponent("code/pkg/latin1.py"))
        try Data("""
        name: e2e
        sources:
          - directory: code
        split: {validation_fraction: 0.2}
        tokenizer: {train: {vocab_size: 600}}
        """.utf8).write(to: dir.appendingPathComponent("e2e.yaml"))
    }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let r = try runCodetune(args, in: dir)
        return (r.status, r.stdoutText, r.stderr)
    }

    func testPrepareThenCacheHitThenInspect() throws {
        let first = try run(["data", "prepare", "e2e.yaml"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.out.contains("built in"), first.out)
        XCTAssertTrue(first.err.contains("warning: \(dir.path)/code/pkg/latin1.py: not UTF-8 text"), first.err)
        let second = try run(["data", "prepare", "e2e.yaml", "--json"])
        XCTAssertEqual(second.status, 0, second.err)
        let summary = try JSONSerialization.jsonObject(with: Data(second.out.utf8)) as? [String: Any]
        XCTAssertEqual(summary?["cache_hit"] as? Bool, true)
        XCTAssertEqual(summary?["documents"] as? Int, 12)
        let inspect = try run(["data", "inspect", "e2e.yaml", "--verify"])
        XCTAssertEqual(inspect.status, 0, inspect.err)
        XCTAssertTrue(inspect.out.contains("documents   12"), inspect.out)
        XCTAssertTrue(inspect.out.contains("non_utf8"), inspect.out)
        let json = try run(["data", "inspect", (summary?["directory"] as? String) ?? "", "--json"])
        XCTAssertEqual(json.status, 0, json.err)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    }

    func testStrictAndBadRecipeExitWithStatusTwo() throws {
        let strict = try run(["data", "prepare", "e2e.yaml", "--strict"])
        XCTAssertEqual(strict.status, 2)
        XCTAssertEqual(strict.err.split(separator: "\n").last.map(String.init), "codetune: \(dir.path)/code/pkg/latin1.py: not UTF-8 text")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cache").path)
                       && ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cache").path)) ?? []).count > 0)
        try Data("name: x\nsources: [{directry: code}]\ntokenizer: {train: {vocab_size: 600}}\n".utf8)
            .write(to: dir.appendingPathComponent("bad.yaml"))
        let bad = try run(["data", "prepare", "bad.yaml"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("bad.yaml:2:12: sources[0].directry: unknown key; did you mean 'directory'?"), bad.err)
        let notPrepared = try run(["data", "inspect", "e2e.yaml"])
        XCTAssertEqual(notPrepared.status, 2)
        XCTAssertTrue(notPrepared.err.contains("not prepared"), notPrepared.err)
    }

    /// Exercise verification runs in the evaluator's sandbox (bwrap by default, `--sandbox rlimits` on request,
    /// same events either way); a bwrap that cannot start is refused with exit 2, never bypassed.
    func testSynthTelemetrySandboxModes() throws {
        let args = ["data", "synth-telemetry", "--sessions", "2", "--exercises", "8", "--source", "code", "--json"]
        let bwrap = try run(args + ["--out", "a.jsonl"])
        if bwrap.status == 2 && bwrap.err.contains("sandbox unavailable") { throw XCTSkip("bubblewrap cannot run here") }
        XCTAssertEqual(bwrap.status, 0, bwrap.err)
        let rlimits = try run(args + ["--out", "b.jsonl", "--sandbox", "rlimits"])
        XCTAssertEqual(rlimits.status, 0, rlimits.err)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a.jsonl")), try Data(contentsOf: dir.appendingPathComponent("b.jsonl")))
        setenv("CODETUNE_BWRAP", "/bin/false", 1)
        defer { unsetenv("CODETUNE_BWRAP") }
        let refused = try run(args + ["--out", "c.jsonl"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.err.contains("sandbox unavailable") && refused.err.contains("--sandbox rlimits"), refused.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.jsonl").path))
    }

    /// `data decontam RECIPE.yaml`: from the sources before `prepare`, from the decoded shards after; same verdict.
    func testDecontamOfARecipe() throws {
        let row: [String: String] = ["task_id": "T/0", "prompt": "def f2_4(x):\n    return x * 2 + len(str(x))\n\n\ndef f3_4(x):\n    return x * 3 + len(str(x))\n\n\ndef f4_4(x):\n",
                                     "canonical_solution": "    return x * 4 + len(str(x))\n", "test": "def check(c): pass", "entry_point": "f4_4"]
        try (String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self) + "\n").write(
            to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        for prepared in [false, true] {
            if prepared { XCTAssertEqual(try run(["data", "prepare", "e2e.yaml"]).status, 0) }
            let r = try run(["data", "decontam", "e2e.yaml", "--suite", "p.jsonl"])
            XCTAssertEqual(r.status, 1, "contaminated (prepared: \(prepared)): \(r.out) \(r.err)")
            XCTAssertTrue(r.out.contains("1 contaminated") && r.out.contains("T/0"), r.out)
        }
    }
}
