@testable import Evaluation
import FileFormats
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Problems
import XCTest

final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
}

final class ReportTests: XCTestCase {
    func summary(thresholds: [Int: Double]) throws -> EvalSummary {
        var suite = try EvalSuite.parse(text: "problems: humaneval\nn: 2\nk: [1, 2]\n", file: "/x/demo.yaml")
        suite.thresholds = thresholds
        let problems = ["a", "b"].map { Problem(task_id: $0, prompt: "", canonical_solution: nil, test: "def check(c): pass", entry_point: "f") }
        let results = [
            SampleResult(task_id: "a", completion_id: 0, status: .passed, detail: "", duration_ms: 3),
            SampleResult(task_id: "a", completion_id: 1, status: .failed, detail: "AssertionError (line 4)", duration_ms: 3),
            SampleResult(task_id: "b", completion_id: 0, status: .timeout, detail: "timed out after 3 s", duration_ms: 3000),
            SampleResult(task_id: "b", completion_id: 1, status: .failed, detail: "x < y & \"z\"", duration_ms: 3),
        ]
        return EvalSummary.make(suite: suite, problemsFile: "/p.jsonl", problems: problems, results: results,
                                sandbox: .bwrap, wallSeconds: 2, workers: 2)
    }

    func testSummaryAndVerdict() throws {
        let met = try summary(thresholds: [1: 0.25])
        XCTAssertEqual(met.pass_at_k["pass@1"]!, 0.25, accuracy: 1e-12)
        XCTAssertEqual(met.pass_at_k["pass@2"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(met.verdict, .pass)
        XCTAssertEqual(met.statuses["timeout"], 1)
        XCTAssertEqual(met.throughput.samples_per_s, 2)
        let missed = try summary(thresholds: [1: 0.3, 2: 0.5])
        XCTAssertEqual(missed.verdict, .fail)
        XCTAssertEqual(missed.missed, ["pass@1"])
        let decoded = try JSONDecoder().decode(EvalSummary.self, from: try missed.json())
        XCTAssertEqual(decoded, missed)
    }

    func testJUnitAndMarkdown() throws {
        let s = try summary(thresholds: [1: 0.3])
        let xml = EvalReportFormats.junit(s)
        XCTAssertTrue(xml.contains(#"<testsuite name="demo" tests="3" failures="2""#), xml)
        XCTAssertTrue(xml.contains(#"<testcase classname="demo" name="a"><system-out>1/2 samples passed</system-out></testcase>"#), xml)
        XCTAssertTrue(xml.contains(#"<failure message="timeout: timed out after 3 s" type="timeout">0/2 samples passed; first: timeout: timed out after 3 s</failure>"#), xml)
        XCTAssertTrue(xml.contains("pass@1 0.2500 &lt; 0.3000"), xml)
        XCTAssertEqual(XMLText.escaped("a\u{1}<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;")
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "junit.xml is not well-formed")
        XCTAssertEqual(counter.counts["testcase"], 3)
        let md = EvalReportFormats.markdown(s)
        XCTAssertTrue(md.hasPrefix("# demo: FAIL\n"), md)
        XCTAssertTrue(md.contains("| pass@1 | 0.2500 | 0.0000 – 0.5000 | 2 | ≥ 0.3000 | estimate 0.2500 | missed |"), md)
        XCTAssertTrue(md.contains("| pass@2 | 0.5000 | 0.0000 – 1.0000 | 2 |  |  |  |"), md)
        XCTAssertTrue(md.contains("95% percentile bootstrap over the 2 problems (10000 resamples, seed 0)"), md)
        XCTAssertTrue(xml.contains(#"<property name="pass@1.lower" value="0.0000"/>"#), xml)
        XCTAssertTrue(xml.contains(#"<property name="pass@1.upper" value="0.5000"/>"#), xml)
        XCTAssertTrue(xml.contains(#"<property name="pass@1.problems" value="2"/>"#), xml)
        XCTAssertTrue(xml.contains(#"<property name="pass@1.threshold_on" value="estimate"/>"#), xml)
        XCTAssertTrue(md.contains("| b | 0/2 | 0.0000 | 0.0000 | timeout: timed out after 3 s |"), md)
    }

    /// Per-problem pass@1 is [0.5, 0]: resample means are 0, 0.25, 0.5 with chances 1/4, 1/2, 1/4, so the
    /// 95% interval is [0, 0.5] (by hand); pass@2 is [1, 0] → [0, 1].
    func testIntervalsInTheSummary() throws {
        let s = try summary(thresholds: [:])
        let one = try XCTUnwrap(s.pass_at_k_interval?["pass@1"])
        XCTAssertEqual([one.estimate, one.lower, one.upper], [0.25, 0, 0.5])
        XCTAssertEqual(one.problems, 2)
        XCTAssertEqual(one.seed, 0)
        let two = try XCTUnwrap(s.pass_at_k_interval?["pass@2"])
        XCTAssertEqual([two.lower, two.upper], [0, 1])
        XCTAssertNil(s.threshold_checks)
        // Per-problem values stay in the summary so comparisons can pair problems.
        XCTAssertEqual(s.per_problem.map { $0.pass_at_k["pass@1"] }, [0.5, 0])
    }

    /// The same summary against a minimum of 0.2: met on the estimate (0.25) and the upper bound (0.5),
    /// missed on the lower bound (0); the check says which bound decided and with what number.
    func testThresholdOnABound() throws {
        func check(_ on: EvalSuite.ThresholdBound, _ minimum: Double) throws -> EvalSummary {
            var suite = try EvalSuite.parse(text: "problems: humaneval\nn: 2\nk: [1, 2]\n", file: "/x/demo.yaml")
            suite.thresholds = [1: minimum]
            suite.thresholdBounds = [1: on]
            let base = try summary(thresholds: [:])
            let problems = ["a", "b"].map { Problem(task_id: $0, prompt: "", canonical_solution: nil, test: "", entry_point: "f") }
            let results = base.per_problem.flatMap { row in
                (0..<row.n).map { SampleResult(task_id: row.task_id, completion_id: $0, status: $0 < row.passed ? .passed : .failed, detail: "", duration_ms: 1) }
            }
            return EvalSummary.make(suite: suite, problemsFile: "/p.jsonl", problems: problems, results: results,
                                    sandbox: .bwrap, wallSeconds: 1, workers: 1)
        }
        XCTAssertEqual(try check(.estimate, 0.2).verdict, .pass)
        XCTAssertEqual(try check(.upper_bound, 0.4).verdict, .pass)
        let lower = try check(.lower_bound, 0.2)
        XCTAssertEqual(lower.verdict, .fail)
        XCTAssertEqual(lower.missed, ["pass@1"])
        XCTAssertEqual(lower.threshold_checks, [EvalSummary.ThresholdCheck(metric: "pass@1", min: 0.2, on: .lower_bound, value: 0, met: false)])
        XCTAssertEqual(lower.thresholds, ["pass@1": 0.2])
        XCTAssertTrue(EvalReportFormats.junit(lower).contains("pass@1 lower bound 0.0000 &lt; 0.2000"))
        XCTAssertTrue(EvalReportFormats.markdown(lower).contains("| ≥ 0.2000 | lower bound 0.0000 | missed |"))
        XCTAssertEqual(try check(.upper_bound, 0.6).verdict, .fail)
        let json = String(decoding: try lower.json(), as: UTF8.self)
        XCTAssertTrue(json.contains("\"on\" : \"lower_bound\""), json)
    }

    /// A summary.json written before the intervals existed still decodes.
    func testOlderSummaryDecodes() throws {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try summary(thresholds: [1: 0.1]).json()) as? [String: Any])
        object["pass_at_k_interval"] = nil
        object["threshold_checks"] = nil
        let old = try JSONDecoder().decode(EvalSummary.self, from: try JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.pass_at_k_interval)
        XCTAssertEqual(old.thresholds, ["pass@1": 0.1])
        XCTAssertTrue(EvalReportFormats.markdown(old).contains("| pass@1 | 0.2500 |  |  | ≥ 0.1000 |  | met |"))
    }

    func testWritesEveryFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evalout-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try summary(thresholds: [:])
        try EvalRun.write(samples: [Sample(task_id: "a", completion: "x")], results: [], summary: s, to: dir)
        for name in ["samples.jsonl", "results.jsonl", "summary.json", "junit.xml", "summary.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), name)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }
}
