import FileFormats
import RunStore
import XCTest

final class CompareTests: XCTestCase {
    var fx: RunFixtures!
    var comparison: RunComparison!

    override func setUpWithError() throws {
        fx = try RunFixtures()
        let a = try fx.makeRun(id: "20261123-000000-aaaa", lr: "0.001", start: 8, drop: 0.5, passAt1: 0.20)
        let b = try fx.makeRun(id: "20261123-000100-bbbb", lr: "0.002", start: 8, drop: 0.6, passAt1: 0.15)
        comparison = try RunComparison(runs: [try RunSummary(directory: a), try RunSummary(directory: b)])
    }

    override func tearDown() { fx.remove() }

    func testOnlyChangedConfigKeysUnlessAll() {
        XCTAssertEqual(comparison.configRows(all: false).map(\.key), ["stages[0].lr"])
        XCTAssertEqual(comparison.configRows(all: false)[0].values, ["0.001", "0.002"])
        XCTAssertTrue(comparison.configRows(all: true).map(\.key).contains("seed"))
    }

    func testMetricRowsHaveDeltasAndDirections() throws {
        let val = try XCTUnwrap(comparison.metrics.first { $0.key == "val_loss" })
        XCTAssertEqual(val.direction, .lower)
        XCTAssertEqual(val.values[0] ?? 0, 4.6, accuracy: 1e-9)
        XCTAssertEqual(val.values[1] ?? 0, 3.9, accuracy: 1e-9)
        XCTAssertEqual(val.deltas[1] ?? 0, -0.7, accuracy: 1e-9)
        let pass = try XCTUnwrap(comparison.metrics.first { $0.key == "basic.pass@1" })
        XCTAssertEqual(pass.direction, .higher)
        XCTAssertEqual(pass.deltas[1] ?? 0, -0.05, accuracy: 1e-9)
        XCTAssertNotNil(comparison.metrics.first { $0.key == "pretrain.val_loss" && !$0.isFinal })
        XCTAssertNotNil(comparison.metrics.first { $0.key == "finetune.basic.pass@1" })
        // Changed config first in the plain report, then metrics.
        let plain = try ComparisonReport(comparison).render(.plain)
        let configAt = try XCTUnwrap(plain.range(of: "stages[0].lr"))
        let metricAt = try XCTUnwrap(plain.range(of: "val_loss"))
        XCTAssertLessThan(configAt.lowerBound, metricAt.lowerBound)
        XCTAssertTrue(plain.contains("-0.7000"), plain)
        XCTAssertTrue(plain.contains("-0.050"), plain)
    }

    func testMarkdownCSVAndJSON() throws {
        let md = try ComparisonReport(comparison).render(.markdown)
        XCTAssertTrue(md.contains("| metric | 20261123-000000-aaaa | 20261123-000100-bbbb | Δ bbbb |"), md)
        XCTAssertTrue(md.contains("| val_loss | 4.6000 | 3.9000 | -0.7000 |"), md)

        let csv = try ComparisonReport(comparison).render(.csv)
        let lines = csv.split(separator: "\n").map(String.init)
        // The columns of old stay first; the interval and paired columns follow them.
        XCTAssertTrue(lines[0].hasPrefix("kind,key,20261123-000000-aaaa,20261123-000100-bbbb,delta 20261123-000100-bbbb,"
                                          + "lower 20261123-000000-aaaa,upper 20261123-000000-aaaa,problems 20261123-000000-aaaa,"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("config,stages[0].lr,0.001,0.002,"), lines[1])
        XCTAssertTrue(lines.contains { $0.hasPrefix("metric,basic.pass@1,0.2,0.15,-0.05") }, csv)

        let json = try ComparisonReport(comparison).render(.json)
        XCTAssertEqual(json.filter { $0 == "\n" }.count, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let runs = try XCTUnwrap(object["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["id"] as? String }, ["20261123-000000-aaaa", "20261123-000100-bbbb"])
        let metrics = try XCTUnwrap(object["metrics"] as? [[String: Any]])
        let val = try XCTUnwrap(metrics.first { $0["key"] as? String == "val_loss" })
        XCTAssertEqual(val["direction"] as? String, "lower")
        XCTAssertTrue((val["deltas"] as? [Any])?.first is NSNull)
    }

    func testRegressionGateKnowsWhichWayIsWorse() throws {
        // Loss fell by 0.7: not worse.
        XCTAssertFalse(try RegressionGate(parsing: "val_loss").check(comparison).contains(where: \.worse))
        // pass@1 fell by 0.05: worse with no tolerance, fine with 0.05 or 30%, worse with 10%.
        XCTAssertTrue(try RegressionGate(parsing: "pass@1").check(comparison).contains(where: \.worse))
        XCTAssertFalse(try RegressionGate(parsing: "basic.pass@1:0.05").check(comparison).contains(where: \.worse))
        XCTAssertFalse(try RegressionGate(parsing: "pass@1:30%").check(comparison).contains(where: \.worse))
        XCTAssertTrue(try RegressionGate(parsing: "pass@1:10%").check(comparison).contains(where: \.worse))
        // Reversed order: the loss got worse.
        let reversed = try RunComparison(runs: comparison.runs.reversed())
        let findings = try RegressionGate(parsing: "val_loss:0.5").check(reversed)
        XCTAssertEqual(findings.map(\.worse), [true])
        XCTAssertTrue(findings[0].description.contains("worse"), findings[0].description)
        XCTAssertFalse(try RegressionGate(parsing: "val_loss:0.7").check(reversed).contains(where: \.worse))
    }

    func testGateRejectsUnknownMetricsAndBadTolerances() {
        XCTAssertThrowsError(try RegressionGate(parsing: "val_los").check(comparison)) {
            XCTAssertTrue("\($0)".contains("did you mean 'val_loss'"), "\($0)")
        }
        XCTAssertThrowsError(try RegressionGate(parsing: "tokens").check(comparison))  // a count, not gateable
        XCTAssertThrowsError(try RegressionGate(parsing: "val_loss:abc"))
        XCTAssertThrowsError(try RegressionGate(parsing: "val_loss:-1"))
        XCTAssertThrowsError(try RegressionGate(parsing: ""))
    }

    /// Thirty problems; the baseline passes twelve. `lost` of them fail in the candidate, `gained` of the
    /// baseline's failures pass.
    func pairedComparison(lost: Int, gained: Int, significance: Double = 0.05, name: String = "paired") throws -> RunComparison {
        var base: [String: Double] = [:], cand: [String: Double] = [:]
        for i in 0..<30 {
            let id = "P/\(String(format: "%02d", i))"
            base[id] = i < 12 ? 1 : 0
            cand[id] = i < 12 ? (i < lost ? 0 : 1) : (i < 12 + gained ? 1 : 0)
        }
        let a = try fx.makeRun(id: "20261124-000000-aaaa", name: name, perProblem: base)
        let b = try fx.makeRun(id: "20261124-000100-bbbb", name: name, perProblem: cand)
        return try RunComparison(runs: [try RunSummary(directory: a), try RunSummary(directory: b)], significance: significance)
    }

    /// Ten problems lost, none gained: p = 2 / 2^10, significant; the gate fails unless the tolerance
    /// exceeds the drop (10/30) or the level is below p.
    func testPairedRegressionThatIsSignificant() throws {
        let c = try pairedComparison(lost: 10, gained: 0)
        let row = try XCTUnwrap(c.metrics.first { $0.key == "basic.pass@1" })
        let paired = try XCTUnwrap(row.paired[1])
        XCTAssertEqual(paired.difference, -1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(paired.p_value, 0.001953125, accuracy: 1e-15)
        XCTAssertTrue(row.significant(1, at: c.significance))
        XCTAssertEqual(row.intervals[0]?.problems, 30)
        XCTAssertEqual(row.intervals[0]?.estimate ?? 0, 0.4, accuracy: 1e-12)
        let findings = try RegressionGate(parsing: "pass@1").check(c)
        XCTAssertEqual(findings.map(\.worse), [true])
        XCTAssertEqual(findings[0].significant, true)
        XCTAssertTrue(findings[0].description.contains("paired over 30 problems"), findings[0].description)
        XCTAssertTrue(try RegressionGate(parsing: "pass@1@basic").check(c).contains(where: \.worse))
        XCTAssertFalse(try RegressionGate(parsing: "pass@1@basic:0.4").check(c).contains(where: \.worse))
        XCTAssertFalse(try RegressionGate(parsing: "pass@1").check(try pairedComparison(lost: 10, gained: 0, significance: 0.001, name: "strict"))
            .contains(where: \.worse))

        let plain = try ComparisonReport(c).render(.plain)
        XCTAssertTrue(plain.contains("0.400 ["), plain)
        XCTAssertTrue(plain.contains("] n=30"), plain)
        XCTAssertTrue(plain.contains("p=0.002 *"), plain)
        XCTAssertTrue(plain.contains("sign-flip permutation test; * significant at 0.05"), plain)
        let md = try ComparisonReport(c).render(.markdown)
        XCTAssertTrue(md.contains("p=0.002 *"), md)
        let csv = try ComparisonReport(c).render(.csv)
        let header = csv.split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(csv.split(separator: "\n").first { $0.hasPrefix("metric,basic.pass@1,") })
            .split(separator: ",", omittingEmptySubsequences: false)
        let column = { (name: String) in header.firstIndex { $0 == name }! }
        XCTAssertEqual(line[column("significant 20261124-000100-bbbb")], "true")
        XCTAssertEqual(line[column("p 20261124-000100-bbbb")], "0.001953125")
        XCTAssertEqual(line[column("problems 20261124-000000-aaaa")], "30")
        let json = try ComparisonReport(c, findings: findings).render(.json)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["significance"] as? Double, 0.05)
        let metric = try XCTUnwrap((object["metrics"] as? [[String: Any]])?.first { $0["key"] as? String == "basic.pass@1" })
        XCTAssertEqual((metric["significant"] as? [Any])?.last as? Bool, true)
        let pairedJSON = try XCTUnwrap((metric["paired"] as? [Any])?.last as? [String: Any])
        XCTAssertEqual(pairedJSON["p_value"] as? Double, 0.001953125)
    }

    /// Three lost, one gained: the scores differ by 2/30, which the plain delta gate calls worse, but the
    /// paired test gives p = 10/16: not significant, so the gate passes and the row carries no star.
    func testPairedDifferenceThatIsNoise() throws {
        let c = try pairedComparison(lost: 3, gained: 1)
        let row = try XCTUnwrap(c.metrics.first { $0.key == "basic.pass@1" })
        XCTAssertEqual(row.deltas[1] ?? 0, -2.0 / 30, accuracy: 1e-12)
        XCTAssertEqual(row.paired[1]?.p_value ?? 0, 0.625, accuracy: 1e-15)
        XCTAssertFalse(row.significant(1, at: 0.05))
        XCTAssertLessThan(row.paired[1]?.lower ?? 0, 0)
        XCTAssertGreaterThanOrEqual(row.paired[1]?.upper ?? -1, 0)
        let findings = try RegressionGate(parsing: "pass@1").check(c)
        XCTAssertEqual(findings.map(\.worse), [false])
        XCTAssertTrue(findings[0].description.contains("ok (not significant)"), findings[0].description)
        let plain = try ComparisonReport(c).render(.plain)
        XCTAssertTrue(plain.contains("p=0.625"), plain)
        XCTAssertFalse(plain.contains("p=0.625 *"), plain)
    }

    /// A summary with per-problem values but no interval (older codetune) gets one computed; a summary
    /// with only the number (another tool) gets none and compares as before.
    func testIntervalsFromPerProblemValues() throws {
        let c = try pairedComparison(lost: 0, gained: 0)
        XCTAssertNotNil(c.runs[0].evals.first?.intervals["pass@1"])
        XCTAssertEqual(c.runs[0].evals.first?.perProblem["pass@1"]?.count, 30)
        XCTAssertEqual(comparison.runs[0].evals.first?.intervals, [:])
        let row = try XCTUnwrap(comparison.metrics.first { $0.key == "basic.pass@1" })
        XCTAssertEqual(row.paired, [nil, nil])
        let show = try RunListing.show(c.runs[0])
        XCTAssertTrue(show.contains("pass@1=0.400 ["), show)
        XCTAssertTrue(show.contains("n=30"), show)
    }

    /// A stage-end eval is the run's final score; without one, the periodic eval of the highest step is.
    func testFinalEvalPrefersStageEndsThenTheLatestStep() throws {
        let dir = try fx.makeRun(id: "20261125-000000-aaaa", name: "steps", passAt1: 0.2)
        for (label, value) in [("step-00000002", 0.05), ("step-00000010", 0.1)] {
            for suite in ["basic", "periodic"] {
                let url = dir.evalURL(suite: suite, label: label)
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try Data("{\"pass_at_k\": {\"pass@1\": \(value)}}".utf8).write(to: url.appendingPathComponent("summary.json"))
            }
        }
        let finals = try RunSummary(directory: dir).finalEvals
        XCTAssertEqual(finals.map(\.suite), ["basic", "periodic"])
        XCTAssertEqual(finals.map(\.stage), ["finetune", "step-00000010"])
        XCTAssertEqual(finals.map { $0.passAtK["pass@1"] }, [0.2, 0.1])
    }

    func testMissingValueInALaterRunIsWorse() throws {
        let c = try fx.makeRun(id: "20261123-000200-cccc", passAt1: nil)
        let withMissing = try RunComparison(runs: [comparison.runs[0], try RunSummary(directory: c)])
        let findings = try RegressionGate(parsing: "pass@1:1").check(withMissing)
        XCTAssertEqual(findings.map(\.worse), [true])
    }
}
