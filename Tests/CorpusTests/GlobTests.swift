@testable import Corpus
import XCTest

final class GlobTests: XCTestCase {
    func testStarStaysInOneComponentAndDoubleStarCrossesThem() {
        XCTAssertTrue(Glob("src/*.py").matches("src/a.py"))
        XCTAssertFalse(Glob("src/*.py").matches("src/pkg/a.py"))
        XCTAssertTrue(Glob("src/**/*.py").matches("src/a.py"))
        XCTAssertTrue(Glob("src/**/*.py").matches("src/pkg/deep/a.py"))
        XCTAssertFalse(Glob("src/**/*.py").matches("lib/a.py"))
    }

    func testPatternWithoutSlashMatchesAtAnyDepth() {
        XCTAssertTrue(Glob("*.py").matches("a.py"))
        XCTAssertTrue(Glob("*.py").matches("x/y/a.py"))
        XCTAssertFalse(Glob("*.py").matches("x/y/a.pyc"))
        XCTAssertTrue(Glob("test_*").matches("pkg/test_io.py"))
    }

    func testQuestionMarkAndClasses() {
        XCTAssertTrue(Glob("a?c.py").matches("abc.py"))
        XCTAssertFalse(Glob("a?c.py").matches("ac.py"))
        XCTAssertTrue(Glob("[a-c]x.py").matches("bx.py"))
        XCTAssertFalse(Glob("[a-c]x.py").matches("dx.py"))
        XCTAssertTrue(Glob("[!a-c]x.py").matches("dx.py"))
        XCTAssertTrue(Glob("a[.py").matches("a[.py"), "an unclosed class is a literal")
    }

    func testStarBacktracks() {
        XCTAssertTrue(Glob("*_test_*.py").matches("io_test_x_test_y.py"))
        XCTAssertFalse(Glob("*_test_*.txt").matches("io_test_x_test_y.py"))
    }

    func testSelectionAndDirectoryPruning() {
        let s = PathSelection(include: [Glob("*.py")], exclude: [Glob("**/test/**")])
        XCTAssertTrue(s.selects("json/decoder.py"))
        XCTAssertFalse(s.selects("test/test_json.py"))
        XCTAssertFalse(s.selects("ctypes/test/test_x.py"))
        XCTAssertFalse(s.selects("json/decoder.c"))
        XCTAssertTrue(s.excludesDirectory("ctypes/test"))
        XCTAssertFalse(s.excludesDirectory("ctypes/testing"))
    }
}
