import FileFormats
import XCTest

final class YAMLConfigTests: XCTestCase {
    func testUnknownKeyWrongTypeAndRangeAreAllReportedWithPlaces() throws {
        let text = """
        name: demo
        seed: abc
        stages:
          - lerning_rate: 0.1
            steps: -3
        """
        let (root, diags) = try YAMLFile.parse(text, file: "run.yaml")
        let top = try XCTUnwrap(root.mapping(allowed: ["name", "seed", "stages"]))
        _ = top.required("name")?.string
        _ = top.required("seed")?.int()
        for stage in top.required("stages")?.list ?? [] {
            let m = stage.mapping(allowed: ["learning_rate", "steps"])
            _ = m?.value("steps")?.int(in: 1...Int.max)
        }
        let lines = diags.errors.map(\.description)
        XCTAssertEqual(lines, [
            "run.yaml:2:7: seed: expected an integer, found 'abc'",
            "run.yaml:4:5: stages[0].lerning_rate: unknown key; did you mean 'learning_rate'?",
            "run.yaml:5:12: stages[0].steps: -3 is out of range 1...",
        ])
    }

    func testSyntaxErrorHasLineAndColumn() {
        XCTAssertThrowsError(try YAMLFile.parse("a: [1, 2\nb: 3\n", file: "x.yaml")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.file, "x.yaml")
            XCTAssertNotNil(e?.line)
            XCTAssertTrue(e?.description.hasPrefix("x.yaml:") ?? false)
        }
    }

    func testTornLastLineIsToleratedOnlyWhenAsked() throws {
        struct Row: Codable, Equatable { var step: Int }
        let data = Data("{\"step\":1}\n{\"step\":2}\n{\"ste".utf8)
        XCTAssertEqual(try JSONLines.decode(Row.self, data: data, file: "m.jsonl", tolerateTornLastLine: true), [Row(step: 1), Row(step: 2)])
        XCTAssertThrowsError(try JSONLines.decode(Row.self, data: data, file: "m.jsonl")) { error in
            XCTAssertEqual((error as? InputError)?.line, 3)
        }
    }

    func testAtomicWriteLeavesNoTemporaryFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID())")
        let url = dir.appendingPathComponent("state.json")
        try AtomicFile.write("{\"a\":1}", to: url)
        try AtomicFile.write("{\"a\":2}", to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "{\"a\":2}")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["state.json"])
        try FileManager.default.removeItem(at: dir)
    }
}
