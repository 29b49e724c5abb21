import FileFormats
#if canImport(FoundationXML)
import FoundationXML
#endif
import RunStore
import XCTest

final class LossPlotTests: XCTestCase {
    func testSVGIsWellFormedWithOneColourPerRunStageBoundariesAxesAndLegend() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let a = try RunSummary(directory: fx.makeRun(id: "20261123-000000-aaaa"))
        let b = try RunSummary(directory: fx.makeRun(id: "20261123-000100-bbbb", drop: 0.4))
        let svg = try LossPlot(runs: [a, b]).svg()

        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")

        let lines = collector.elements.filter { $0.name == "polyline" }
        XCTAssertEqual(lines.count, 8)  // train + val per stage per run
        XCTAssertEqual(Set(lines.map { $0.attributes["data-split"] ?? "" }), ["train", "val"])
        let colours = Set(lines.map { $0.attributes["stroke"] ?? "" })
        XCTAssertEqual(colours.count, 2)
        // A train line per stage with one point per report (4 each), a val line per stage (2 each).
        let trainA = lines.filter { $0.attributes["data-run"] == "20261123-000000-aaaa" && $0.attributes["data-split"] == "train" }
        XCTAssertEqual(trainA.map { $0.attributes["data-stage"] ?? "" }, ["pretrain", "finetune"])
        XCTAssertEqual(trainA.map { $0.attributes["points"]?.split(separator: " ").count ?? 0 }, [4, 4])
        let valA = lines.filter { $0.attributes["data-run"] == "20261123-000000-aaaa" && $0.attributes["data-split"] == "val" }
        XCTAssertEqual(valA.map { $0.attributes["points"]?.split(separator: " ").count ?? 0 }, [2, 2])
        // Axis labels, tick labels in tokens, stage boundary labels, legend entries.
        XCTAssertTrue(collector.texts.contains("tokens seen"))
        XCTAssertTrue(collector.texts.contains("loss (nats / token)"))
        XCTAssertTrue(collector.texts.contains { $0.hasSuffix("k") }, "\(collector.texts)")
        XCTAssertTrue(collector.texts.contains("▸ finetune"))
        XCTAssertTrue(collector.texts.contains("20261123-000100-bbbb"))
        XCTAssertTrue(collector.texts.contains("validation"))
        let boundaries = collector.elements.filter { $0.name == "line" && $0.attributes["stroke-dasharray"] == "2 4" && $0.attributes["x1"] == $0.attributes["x2"] }
        XCTAssertGreaterThanOrEqual(boundaries.count, 2)
    }

    func testUnknownMetricAndEmptyRunsAreInputErrors() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        let a = try RunSummary(directory: fx.makeRun(id: "20261123-000000-aaaa"))
        XCTAssertThrowsError(try LossPlot(runs: [a], metric: "los")) { XCTAssertTrue("\($0)".contains("did you mean 'loss'"), "\($0)") }
        XCTAssertNoThrow(try LossPlot(runs: [a], metric: "lr"))
        var empty = a
        empty.metrics = []
        XCTAssertThrowsError(try LossPlot(runs: [empty]))
    }
}

final class SVGCollector: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String] }
    var elements: [Element] = []
    var texts: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        text = ""
    }
}
