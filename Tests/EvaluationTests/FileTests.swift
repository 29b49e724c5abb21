@testable import Evaluation
import FileFormats
import Problems
import XCTest

final class FileTests: XCTestCase {
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
