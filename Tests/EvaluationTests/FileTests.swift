@testable import Evaluation
import FileFormats
import XCTest

final class FileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("evalfiles-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    let line = #"{"task_id": "t/0", "prompt": "def f():\n", "canonical_solution": "    return 1\n", "test": "def check(c):\n    assert c() == 1\n", "entry_point": "f"}"#

    func testPlainAndGzipProblems() throws {
        let plain = dir.appendingPathComponent("p.jsonl")
        try (line + "\n").write(to: plain, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ProblemFile.load(plain).map(\.task_id), ["t/0"])
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", plain.path]
        try gz.run()
        gz.waitUntilExit()
        let problems = try ProblemFile.load(dir.appendingPathComponent("p.jsonl.gz"))
        XCTAssertEqual(problems.first?.program(completion: "    return 1"), "def f():\n    return 1\ndef check(c):\n    assert c() == 1\n\n")
    }

    func testBadLineIsReportedByNumber() throws {
        let url = dir.appendingPathComponent("bad.jsonl")
        try (line + "\n\n{\"task_id\": 3}\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProblemFile.load(url)) { error in
            XCTAssertTrue("\(error)".hasPrefix(url.path + ":3: "), "\(error)")
        }
        try (line + "\n" + line + "\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProblemFile.load(url)) { error in
            XCTAssertTrue("\(error)".contains(":2: task_id: 't/0' appears twice"), "\(error)")
        }
    }

    func testSamplesAgainstProblems() throws {
        let problems = [Problem(task_id: "a", prompt: "", canonical_solution: nil, test: "def check(c): pass", entry_point: "f"),
                        Problem(task_id: "b", prompt: "", canonical_solution: nil, test: "def check(c): pass", entry_point: "f")]
        XCTAssertThrowsError(try SampleFile.validate([Sample(task_id: "zzz", completion: "")], problems: problems, file: "s.jsonl", ignoreIncomplete: true)) {
            XCTAssertTrue("\($0)".contains("s.jsonl:1: task_id: 'zzz' is not a problem"), "\($0)")
        }
        XCTAssertThrowsError(try SampleFile.validate([Sample(task_id: "a", completion: "")], problems: problems, file: "s.jsonl", ignoreIncomplete: false)) {
            XCTAssertTrue("\($0)".contains("not attempted: b"), "\($0)")
        }
        XCTAssertNoThrow(try SampleFile.validate([Sample(task_id: "a", completion: "")], problems: problems, file: "s.jsonl", ignoreIncomplete: true))
    }
}
