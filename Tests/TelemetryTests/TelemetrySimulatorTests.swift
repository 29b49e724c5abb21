@testable import Telemetry
import XCTest

final class TelemetrySimulatorTests: XCTestCase {
    static let docs: [CodeDocument] = (0..<6).map { i in
        var text = "import os\n\n\nclass Thing\(i):\n    \"\"\"A thing.\"\"\"\n\n"
        for f in 0..<8 {
            text += "    def method_\(f)(self, value, limit=\(f + 2)):\n"
            text += "        total = value * \(f + 1)\n"
            text += "        if total > limit:\n            total = limit - \(f)\n"
            text += "        return self.combine(total, os.sep)\n\n"
        }
        return CodeDocument(path: "pkg/mod\(i).py", text: text)
    }

    func simulate(seed: UInt64, sessions: Int = 40) -> [TelemetryEvent] {
        var o = EditorSessionSimulator.Options()
        o.sessions = sessions
        return EditorSessionSimulator(options: o).simulate(documents: Self.docs, seed: seed)
    }

    func testDeterministicForASeedAndDifferentAcrossSeeds() {
        XCTAssertEqual(simulate(seed: 3), simulate(seed: 3))
        XCTAssertNotEqual(simulate(seed: 3), simulate(seed: 4))
    }

    func testEventsAreValidAndTrueContinuationsComeFromTheFile() {
        let events = simulate(seed: 9)
        XCTAssertGreaterThan(events.count, 100)
        for e in events {
            XCTAssertNil(TelemetryValidator.semanticProblem(e), "\(e)")
            let doc = Self.docs.first { $0.path == e.path }!.text
            XCTAssertTrue(doc.contains(e.prefix + e.keptText) || e.outcome == .rejected, "kept text continues the prefix in the file")
            if e.outcome == .rejected { XCTAssertFalse(doc.contains(e.prefix + e.suggestion + e.suffix) && !e.suffix.isEmpty) }
            if e.outcome == .partial { XCTAssertTrue(doc.contains(e.prefix + e.acceptedText)) }
        }
    }

    func testOutcomeMixAndLatencySpread() {
        let events = simulate(seed: 1, sessions: 150)
        let n = Double(events.count)
        let rate = { (o: TelemetryOutcome) in Double(events.filter { $0.outcome == o }.count) / n }
        XCTAssertEqual(rate(.accepted), 0.29, accuracy: 0.07)
        XCTAssertEqual(rate(.partial), 0.11, accuracy: 0.05)
        XCTAssertEqual(rate(.rejected), 0.60, accuracy: 0.08)
        let edited = events.filter { $0.outcome == .accepted && $0.edited != nil && $0.edited != $0.suggestion }
        XCTAssertFalse(edited.isEmpty, "some accepted suggestions are edited afterwards")
        let lat = events.map(\.latencyMs).sorted()
        let median = lat[lat.count / 2], p90 = lat[lat.count * 9 / 10]
        XCTAssertGreaterThan(median, 60); XCTAssertLessThan(median, 400)
        XCTAssertGreaterThan(p90 / median, 1.4, "a long right tail, as log-normal latencies have")
        let kinds = Set(events.map { e -> String in
            if e.prefix.hasSuffix("\n        ") || e.prefix.hasSuffix("\n    ") { return "block start" }
            return e.prefix.hasSuffix("\n") ? "line start" : (e.suggestion.hasPrefix("\n") ? "line end" : "mid line")
        })
        XCTAssertTrue(kinds.isSuperset(of: ["line end", "mid line", "block start"]), "\(kinds)")
    }

    func testTimesIncreaseWithinASession() {
        let events = simulate(seed: 5)
        for (a, b) in zip(events, events.dropFirst()) where a.session == b.session { XCTAssertLessThan(a.time, b.time) }
        XCTAssertEqual(EditorSessionSimulator.iso8601(0), "1970-01-01T00:00:00.000Z")
    }
}
