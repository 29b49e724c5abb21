import Foundation
import XCTest

/// `codetune runs compare` exit statuses for CI and `codetune train --check` errors, through the
/// release binary in `CODETUNE_BIN` (skipped when unset).
final class RunsCommandEndToEndTests: XCTestCase {
    var binary: String!
    var dir: URL!

    override func setUpWithError() throws {
        binary = try codetuneBinary()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("runs-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// (status, stdout, stderr)
    func codetune(_ args: [String]) throws -> (Int32, String, String) {
        let r = try runCodetune(args, in: dir)
        return (r.status, r.stdoutText, r.stderr)
    }

    /// A finished one-stage run with final val loss `val` and pass@1 `pass1`; with `solved`, a codetune
    /// summary of 40 problems (one sample each) in which the problems numbered in `solved` pass.
    func makeRun(_ id: String, val: Double, pass1: Double, solved: Set<Int>? = nil) throws {
        let run = dir.appendingPathComponent("Runs/demo/\(id)")
        try FileManager.default.createDirectory(at: run.appendingPathComponent("evals/basic/main"), withIntermediateDirectories: true)
        try """
        {"id": "\(id)", "name": "demo", "status": "completed", "created": "2026-11-23T00:00:00Z", "updated": "2026-11-23T00:10:00Z",
         "config_sha256": "", "host": "h", "threads": 2, "versions": {}, "stages": ["main"], "elapsed_seconds": 600, "resumes": 0}
        """.write(to: run.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try "name: demo\nstages:\n  - name: main\n    lr: \(val)\n".write(to: run.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        try """
        {"step":10,"stage":"main","stage_step":10,"split":"train","loss":\(val - 0.1),"tokens":1000,"time":0,"elapsed":60}
        {"step":10,"stage":"main","stage_step":10,"split":"val","loss":\(val),"tokens":1000,"time":0,"elapsed":60}

        """.write(to: run.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        var summary = "{\"pass_at_k\": {\"pass@1\": \(pass1)}}"
        if let solved {
            let rows = (0..<40).map { i in
                "{\"task_id\": \"T/\(i)\", \"n\": 1, \"passed\": \(solved.contains(i) ? 1 : 0), \"pass_at_k\": {\"pass@1\": \(solved.contains(i) ? 1 : 0)}}"
            }
            summary = "{\"pass_at_k\": {\"pass@1\": \(Double(solved.count) / 40)}, \"per_problem\": [\(rows.joined(separator: ","))]}"
        }
        try summary.write(to: run.appendingPathComponent("evals/basic/main/summary.json"), atomically: true, encoding: .utf8)
    }

    /// Paired gate: 12 → 4 solved problems (eight lost, none gained, p = 2/256) fails; 12 → 10 (three
    /// lost, one gained, p = 0.625) passes although the plain delta is larger than the tolerance.
    func testPairedGateFailsOnlyOnSignificantRegressions() throws {
        try makeRun("20261123-000000-aaaa", val: 2.0, pass1: 0, solved: Set(0..<12))
        try makeRun("20261123-000100-bbbb", val: 2.0, pass1: 0, solved: Set(0..<4))
        try makeRun("20261123-000200-cccc", val: 2.0, pass1: 0, solved: Set(3..<12).union([20]))
        let a = "20261123-000000-aaaa", b = "20261123-000100-bbbb", c = "20261123-000200-cccc"

        var (status, out, err) = try codetune(["runs", "compare", a, b, "--fail-if-worse", "pass@1@basic:0.05"])
        XCTAssertEqual(status, 1, err)
        XCTAssertTrue(out.contains("p=0.008 *"), out)
        XCTAssertTrue(out.contains("0.300 ["), out)
        XCTAssertTrue(out.contains("n=40"), out)
        XCTAssertTrue(err.contains("paired over 40 problems"), err)
        XCTAssertTrue(err.contains(": worse"), err)
        // Stricter level: not significant at 0.005.
        XCTAssertEqual(try codetune(["runs", "compare", a, b, "--fail-if-worse", "pass@1", "--significance", "0.005"]).0, 0)

        (status, out, err) = try codetune(["runs", "compare", a, c, "--fail-if-worse", "pass@1"])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("p=0.625"), out)
        XCTAssertFalse(out.contains("p=0.625 *"), out)
        XCTAssertTrue(err.contains("ok (not significant)"), err)

        (status, _, err) = try codetune(["runs", "compare", a, b, "--significance", "1.5"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(err.contains("--significance must be between 0 and 1"), err)
    }

    func testRegressionGateExitStatuses() throws {
        try makeRun("20261123-000000-aaaa", val: 2.0, pass1: 0.30)
        try makeRun("20261123-000100-bbbb", val: 2.1, pass1: 0.32)
        let a = "20261123-000000-aaaa", b = "20261123-000100-bbbb"

        var (status, out, err) = try codetune(["runs", "compare", a, b])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("+0.1000"), out)

        (status, _, err) = try codetune(["runs", "compare", a, b, "--fail-if-worse", "val_loss"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains("gate val_loss: run \(b)"), err)
        XCTAssertEqual(try codetune(["runs", "compare", a, b, "--fail-if-worse", "val_loss:0.15"]).0, 0)
        XCTAssertEqual(try codetune(["runs", "compare", a, b, "--fail-if-worse", "val_loss:10%"]).0, 0)
        XCTAssertEqual(try codetune(["runs", "compare", a, b, "--fail-if-worse", "pass@1"]).0, 0)
        XCTAssertEqual(try codetune(["runs", "compare", b, a, "--fail-if-worse", "pass@1:0.01"]).0, 1)

        (status, out, _) = try codetune(["runs", "compare", a, b, "--json", "--fail-if-worse", "val_loss"])
        XCTAssertEqual(status, 1)
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        XCTAssertEqual(object?["worse"] as? Bool, true)

        (status, _, err) = try codetune(["runs", "compare", a, b, "--fail-if-worse", "val_los"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(err.contains("did you mean 'val_loss'"), err)
        XCTAssertEqual(try codetune(["runs", "compare", a, "nope"]).0, 2)
        XCTAssertEqual(try codetune(["runs", "compare", a]).0, 2)
    }

    func testPlotWritesAnSVG() throws {
        try makeRun("20261123-000000-aaaa", val: 2.0, pass1: 0.3)
        let (status, _, err) = try codetune(["runs", "plot", "demo", "--out", "loss.svg"])
        XCTAssertEqual(status, 0, err)
        let svg = try String(contentsOf: dir.appendingPathComponent("loss.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("</svg>"))
    }

    func testCheckReportsEveryConfigProblemWithItsPlaceAndExits2() throws {
        try """
        name: bad
        model: {hidden_size: 64}
        stages:
          - name: a
            data: nowhere.yaml
            steps: ten
            shedule: cosine
        """.write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let (status, out, err) = try codetune(["train", "--check", "bad.yaml"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(out, "")
        let lines = err.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasSuffix("bad.yaml:7:5: stages[0].shedule: unknown key; did you mean 'schedule'?") }, err)
        XCTAssertTrue(lines.contains { $0.contains("bad.yaml:5:11: stages[0].data: no such dataset recipe") }, err)
        XCTAssertTrue(lines.contains { $0.hasSuffix("bad.yaml:6:12: stages[0].steps: expected an integer, found 'ten'") }, err)
    }
}
