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
        XCTAssertTrue(md.contains("| pass@1 | 0.2500 | ≥ 0.3000 | missed |"), md)
        XCTAssertTrue(md.contains("| b | 0/2 | 0.0000 | 0.0000 | timeout: timed out after 3 s |"), md)
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
