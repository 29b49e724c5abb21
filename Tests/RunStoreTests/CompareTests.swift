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
        XCTAssertEqual(lines[0], "kind,key,20261123-000000-aaaa,20261123-000100-bbbb,delta 20261123-000100-bbbb")
        XCTAssertEqual(lines[1], "config,stages[0].lr,0.001,0.002,")
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

    func testMissingValueInALaterRunIsWorse() throws {
        let c = try fx.makeRun(id: "20261123-000200-cccc", passAt1: nil)
        let withMissing = try RunComparison(runs: [comparison.runs[0], try RunSummary(directory: c)])
        let findings = try RegressionGate(parsing: "pass@1:1").check(withMissing)
        XCTAssertEqual(findings.map(\.worse), [true])
    }
}
