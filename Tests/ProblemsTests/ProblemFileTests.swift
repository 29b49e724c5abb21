import FileFormats
@testable import Problems
import XCTest

final class ProblemFileTests: XCTestCase {
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

    /// `.texts` reads what decontamination needs: no `test` or `entry_point` required; ids are still checked.
    func testTextsRequirementNeedsNoTest() throws {
        let url = dir.appendingPathComponent("texts.jsonl")
        try (#"{"task_id": "a", "prompt": "def f():\n", "test": ""}"# + "\n" + #"{"task_id": "b", "prompt": "def g():\n", "canonical_solution": "    return 2\n"}"# + "\n")
            .write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProblemFile.load(url)) { XCTAssertTrue("\($0)".contains(":1: missing field entry_point"), "\($0)") }
        let problems = try ProblemFile.load(url, requirement: .texts)
        XCTAssertEqual(problems.map(\.task_id), ["a", "b"])
        XCTAssertEqual(problems.map(\.test), ["", ""])
        XCTAssertEqual(problems[1].canonical_solution, "    return 2\n")
        try (line + "\n" + line + "\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProblemFile.load(url, requirement: .texts)) { XCTAssertTrue("\($0)".contains(":2: task_id: 't/0' appears twice"), "\($0)") }
        try #"{"task_id": "c"}"#.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProblemFile.load(url, requirement: .texts)) { XCTAssertTrue("\($0)".contains(":1: missing field prompt"), "\($0)") }
    }

    /// The texts of a suite come from the file the suite names, read by the same loaders as the evaluator's.
    func testProblemTextsOfASuiteOrAProblemsFile() throws {
        try (line + "\n").write(to: dir.appendingPathComponent("p.jsonl"), atomically: true, encoding: .utf8)
        let suite = dir.appendingPathComponent("s.yaml")
        try "problems: p.jsonl\nlanguage: python\n".write(to: suite, atomically: true, encoding: .utf8)
        let expected = [EvalProblemText(taskID: "t/0", prompt: "def f():\n", canonicalSolution: "    return 1\n")]
        XCTAssertEqual(try EvalProblemText.load(suiteOrProblems: suite), expected)
        XCTAssertEqual(try EvalProblemText.load(suiteOrProblems: dir.appendingPathComponent("p.jsonl")), expected)
        try "problems: p.jsonl\nn: 0\n".write(to: suite, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EvalProblemText.load(suiteOrProblems: suite), "a suite the evaluator refuses is refused here too")
    }
}
