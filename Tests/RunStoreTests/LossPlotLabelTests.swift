import Foundation
@testable import RunStore
import XCTest

/// Stage labels of several runs placed apart, and a clipped loss axis marked.
final class LossPlotLabelTests: XCTestCase {
    func testOverlappingLabelsGoToSeparateRows() {
        var rows = LabelRows()
        let first = rows.place(100, text: "▸ finetune", firstRowY: 70, rowHeight: 14, belowY: 90)
        let second = rows.place(110, text: "▸ finetune-long", firstRowY: 70, rowHeight: 14, belowY: 90)
        let third = rows.place(105, text: "▸ other", firstRowY: 70, rowHeight: 14, belowY: 90)
        let apart = rows.place(400, text: "▸ far", firstRowY: 70, rowHeight: 14, belowY: 90)
        XCTAssertEqual([first, second, third, apart], [70, 90, 104, 70])
    }

    func testAClippedLossAxisIsMarked() throws {
        let fx = try RunFixtures(); defer { fx.remove() }
        var run = try RunSummary(directory: fx.makeRun(id: "20261123-000000-aaaa"))
        // An early report (in the first tenth of the tokens) far above the rest: the loss axis leaves it above
        // the top and says so.
        if let i = run.metrics.firstIndex(where: { $0.split == .train }) { run.metrics[i].loss = 50; run.metrics[i].tokens = 100 }
        let svg = try LossPlot(runs: [run]).svg()
        XCTAssertTrue(svg.contains("class=\"clipped\"") && svg.contains("values up to 50 run off the top"), svg)
        let unclipped = try LossPlot(runs: [run], metric: "lr").svg()
        XCTAssertFalse(unclipped.contains("class=\"clipped\""))
    }
}
