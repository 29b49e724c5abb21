@testable import Telemetry
import FileFormats
import XCTest

final class TelemetryValidationTests: XCTestCase {
    static func event(_ id: String = "e1", outcome: TelemetryOutcome = .accepted, suggestion: String = "return x\n",
                      acceptedLength: Int? = nil, path: String = "src/a.py") -> TelemetryEvent {
        TelemetryEvent(id: id, time: "2026-11-02T14:03:11.250Z", session: "s1", user: "u1", language: "python", path: path,
                       prefix: "def f(x):\n    ", suffix: "", suggestion: suggestion, outcome: outcome,
                       acceptedLength: acceptedLength, latencyMs: 120.5, model: "m")
    }

    static func line(_ e: TelemetryEvent) -> String { try! JSONLines.encodeLine(e) }

    func check(_ lines: [String]) -> TelemetryValidator {
        var v = TelemetryValidator()
        for (i, l) in lines.enumerated() { _ = v.check(line: l[...], lineNumber: i + 1, file: "t.jsonl") }
        return v
    }

    func testGoodEventRoundTrips() throws {
        let e = Self.event()
        let v = check([Self.line(e)])
        XCTAssertEqual(v.goodLines, 1)
        XCTAssertEqual(v.badLines, 0)
        XCTAssertTrue(Self.line(e).contains("\"latency_ms\":120.5"))
        XCTAssertEqual(try JSONDecoder().decode(TelemetryEvent.self, from: Data(Self.line(e).utf8)), e)
    }

    func testEveryBadLineIsReportedWithNumberAndReason() {
        var partialNoLength = Self.event("p1", outcome: .partial)
        partialNoLength.acceptedLength = nil
        var badTime = Self.event("t1"); badTime.time = "yesterday"
        var negative = Self.event("n1"); negative.latencyMs = -3
        let lines = [
            Self.line(Self.event("ok1")),
            "{not json",
            "[1, 2]",
            #"{"id": "x"}"#,
            Self.line(Self.event("ok1")),                                       // duplicate id
            Self.line(partialNoLength),
            Self.line(Self.event("p2", outcome: .partial, suggestion: "abc", acceptedLength: 3)),
            Self.line(Self.event("abs", path: "/home/alice/a.py")),
            Self.line(badTime),
            Self.line(negative),
            Self.line(Self.event("r1", outcome: .rejected, acceptedLength: 2)),
            Self.line(Self.event("ok2")).replacingOccurrences(of: "\"outcome\":\"accepted\"", with: "\"outcome\":\"maybe\""),
            Self.line(Self.event("ok3")).replacingOccurrences(of: "\"model\"", with: "\"modle\""),
            Self.line(Self.event("ok4")).replacingOccurrences(of: "120.5", with: "\"fast\""),
            "",
            Self.line(Self.event("ok5")),
        ]
        let v = check(lines)
        XCTAssertEqual(v.goodLines, 2)
        XCTAssertEqual(v.badLines, 13)
        let byLine = Dictionary(uniqueKeysWithValues: v.errors.map { ($0.line!, $0.problem) })
        XCTAssertEqual(byLine[2], "not valid JSON")
        XCTAssertEqual(byLine[3], "not a JSON object")
        XCTAssertEqual(byLine[4], "missing field time")
        XCTAssertEqual(byLine[5], "id: duplicate id \"ok1\" (first on line 1)".replacingOccurrences(of: "id: ", with: "", options: .anchored))
        XCTAssertTrue(byLine[6]!.contains("required when outcome is partial"))
        XCTAssertTrue(byLine[7]!.contains("between 1 and 2"))
        XCTAssertTrue(byLine[8]!.contains("absolute"))
        XCTAssertTrue(byLine[9]!.hasPrefix("time:"))
        XCTAssertTrue(byLine[10]!.hasPrefix("latency_ms:"))
        XCTAssertTrue(byLine[11]!.contains("rejected"))
        XCTAssertTrue(byLine[12]!.contains("\"maybe\" is not one of"))
        XCTAssertTrue(byLine[13]!.contains("did you mean \"model\""), byLine[13]!)
        XCTAssertTrue(byLine[14]!.contains("latency_ms"), byLine[14]!)
        XCTAssertEqual(v.errors.first { $0.line == 5 }?.key, "id")
        XCTAssertEqual(v.errors[0].description, "t.jsonl:2: not valid JSON")
    }

    func testISO8601Forms() {
        XCTAssertTrue(TelemetryValidator.isISO8601("2026-11-02T14:03:11Z"))
        XCTAssertTrue(TelemetryValidator.isISO8601("2026-11-02T14:03:11.5+02:00"))
        XCTAssertFalse(TelemetryValidator.isISO8601("2026-11-02 14:03:11"))
        XCTAssertFalse(TelemetryValidator.isISO8601("2026-11-02T14:03:11"))
    }

    func testKeptTextAndAcceptedText() {
        var e = Self.event(outcome: .partial, suggestion: "héllo world", acceptedLength: 5)
        XCTAssertEqual(e.acceptedText, "héllo")
        XCTAssertEqual(e.keptText, "héllo")
        e.edited = "héllo there"
        XCTAssertEqual(e.keptText, "héllo there")
        e.outcome = .rejected
        XCTAssertEqual(e.keptText, "")
    }

    // MARK: reading through libarchive

    func temp(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tel-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name)
    }

    func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        try p.run(); p.waitUntilExit()
        if p.terminationStatus != 0 { throw XCTSkip("\(args[0]) unavailable") }
    }

    func testReadsPlainGzipAndTarEntries() throws {
        let text = [Self.line(Self.event("a")), Self.line(Self.event("b")), "oops"].joined(separator: "\n")   // no final newline
        let plain = temp("events.jsonl")
        try text.write(to: plain, atomically: true, encoding: .utf8)
        var (events, v) = try TelemetryLineReader.readEvents(from: plain)
        XCTAssertEqual(events.map(\.id), ["a", "b"])
        XCTAssertEqual(v.errors.map(\.line), [3])

        try run(["gzip", "-k", plain.path])
        (events, v) = try TelemetryLineReader.readEvents(from: URL(fileURLWithPath: plain.path + ".gz"))
        XCTAssertEqual(events.map(\.id), ["a", "b"])
        XCTAssertEqual(v.badLines, 1)

        let dir = plain.deletingLastPathComponent()
        try "ignored\n".write(to: dir.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        let tar = dir.appendingPathComponent("bundle.tar.gz")
        try run(["tar", "-czf", tar.path, "-C", dir.path, "events.jsonl", "README.txt"])
        (events, v) = try TelemetryLineReader.readEvents(from: tar)
        XCTAssertEqual(events.map(\.id), ["a", "b"])
        XCTAssertEqual(v.errors.first?.file, "\(tar.path)(events.jsonl)")
    }

    func testMissingAndCorruptFilesAreInputErrors() throws {
        XCTAssertThrowsError(try TelemetryLineReader.readEvents(from: URL(fileURLWithPath: "/nonexistent/x.jsonl"))) {
            XCTAssertTrue($0 is InputError)
        }
        let gz = temp("bad.jsonl.gz")
        var bytes: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3]
        bytes += Array(repeating: 0x55, count: 40)
        try Data(bytes).write(to: gz)
        XCTAssertThrowsError(try TelemetryLineReader.readEvents(from: gz)) { XCTAssertTrue($0 is InputError, "\($0)") }
    }

    func testEmptyFileHasNoEvents() throws {
        let f = temp("empty.jsonl")
        try Data().write(to: f)
        let (events, v) = try TelemetryLineReader.readEvents(from: f)
        XCTAssertTrue(events.isEmpty)
        XCTAssertEqual(v.badLines, 0)
    }
}

final class TelemetryOneLineFileTests: XCTestCase {
    /// libarchive's mtree reader claims some one-line text files; the reader must not let it.
    func testSingleShortLineIsReadAsText() throws {
        let f = FileManager.default.temporaryDirectory.appendingPathComponent("one-\(UUID().uuidString).jsonl")
        var e = TelemetryValidationTests.event("e"); e.prefix = "ab"; e.suggestion = "xyz"
        try (TelemetryValidationTests.line(e) + "\n").write(to: f, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TelemetryLineReader.readEvents(from: f).events.map(\.id), ["e"])
    }
}

final class TelemetrySchemaFileTests: XCTestCase {
    /// The JSON Schema beside the docs names exactly the fields the Codable type reads, and the same required ones.
    func testSchemaMatchesTheEventType() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Datasets/telemetry-event.schema.json")
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let props = try XCTUnwrap(schema["properties"] as? [String: Any])
        XCTAssertEqual(Set(props.keys), TelemetryValidator.knownKeys)
        XCTAssertEqual(Set(try XCTUnwrap(schema["required"] as? [String])), Set(TelemetryValidator.requiredKeys))
        XCTAssertEqual(schema["additionalProperties"] as? Bool, false)
    }

    /// The committed sample is valid, scrubbed, and holds every outcome and origin.
    func testSampleIsValid() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Datasets/telemetry-sample.jsonl")
        let (events, v) = try TelemetryLineReader.readEvents(from: url)
        XCTAssertEqual(v.badLines, 0, v.errors.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(events.allSatisfy { $0.scrubbed == true })
        XCTAssertEqual(Set(events.map(\.outcome)), Set(TelemetryOutcome.allCases))
        XCTAssertEqual(Set(events.compactMap(\.origin)), ["simulated", "exercise"])
    }
}
