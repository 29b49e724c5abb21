@testable import Corpus
import XCTest

/// Archives are made on the fly with the system's `tar`, `gzip`, `xz`, `zstd` and `zip`;
/// a format whose tool is missing is skipped.
final class ArchiveReaderTests: XCTestCase {
    var dir: URL!
    let files = ["pkg/a.py": pythonSource("a"), "pkg/sub/b.py": pythonSource("b"), "pkg/notes.txt": "not code\n"]

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self, "archives")
        for (path, text) in files { try writeFile(dir.appendingPathComponent("src"), path, text) }
    }

    func read(_ name: String, limits: ReadLimits = ReadLimits(), maxFileBytes: Int = 1_000_000,
              wants: (String) -> Bool = { $0.hasSuffix(".py") }) -> (docs: [String: [UInt8]], tooLarge: [String], issues: [SourceIssue]) {
        let log = SourceIssueLog()
        let reader = ArchiveDocumentReader(limits: limits, maxFileBytes: maxFileBytes, issues: log)
        let path = dir.appendingPathComponent(name).path
        let found = SourcePlan.foundFile(path, relative: name)!
        var docs: [String: [UInt8]] = [:]
        var large: [String] = []
        reader.read(found, wants: wants) { event in
            switch event {
            case .document(let entry, let bytes): docs[entry] = bytes
            case .tooLarge(let entry, _): large.append(entry)
            }
        }
        return (docs, large, log.issues)
    }

    func assertReadsPythonFiles(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = read(name)
        XCTAssertEqual(r.issues, [], file: file, line: line)
        XCTAssertEqual(Set(r.docs.keys), ["pkg/a.py", "pkg/sub/b.py"], file: file, line: line)
        XCTAssertEqual(r.docs["pkg/a.py"], Array(files["pkg/a.py"]!.utf8), file: file, line: line)
        XCTAssertEqual(r.docs["pkg/sub/b.py"], Array(files["pkg/sub/b.py"]!.utf8), file: file, line: line)
    }

    func tar(_ flags: [String], _ name: String) throws {
        try runTool("tar", flags + ["-f", "../\(name)", "pkg"], in: dir.appendingPathComponent("src"))
    }

    func testTar() throws { try tar(["-c"], "x.tar"); assertReadsPythonFiles("x.tar") }
    func testTarGz() throws { try tar(["-cz"], "x.tar.gz"); assertReadsPythonFiles("x.tar.gz") }
    func testTgz() throws { try tar(["-cz"], "x.tgz"); assertReadsPythonFiles("x.tgz") }
    func testTarXz() throws {
        guard toolExists("xz") else { throw XCTSkip("xz is not installed") }
        try tar(["-cJ"], "x.tar.xz"); assertReadsPythonFiles("x.tar.xz")
    }
    func testTarZst() throws {
        guard toolExists("zstd") else { throw XCTSkip("zstd is not installed") }
        try tar(["--zstd", "-c"], "x.tar.zst"); assertReadsPythonFiles("x.tar.zst")
    }
    func testZip() throws {
        try runTool("zip", ["-qr", "../x.zip", "pkg"], in: dir.appendingPathComponent("src"))
        assertReadsPythonFiles("x.zip")
    }

    func testSingleGzipFileIsOneEntryNamedWithoutTheSuffix() throws {
        try FileManager.default.copyItem(at: dir.appendingPathComponent("src/pkg/a.py"), to: dir.appendingPathComponent("a.py"))
        try runTool("gzip", ["a.py"], in: dir)
        let r = read("a.py.gz")
        XCTAssertEqual(r.issues, [])
        XCTAssertEqual(r.docs, ["a.py": Array(files["pkg/a.py"]!.utf8)])
    }

    func testSingleXzFile() throws {
        try FileManager.default.copyItem(at: dir.appendingPathComponent("src/pkg/a.py"), to: dir.appendingPathComponent("a.py"))
        try runTool("xz", ["a.py"], in: dir)
        XCTAssertEqual(read("a.py.xz").docs, ["a.py": Array(files["pkg/a.py"]!.utf8)])
    }

    func testTruncatedTarGzIsReportedNotFatal() throws {
        // Enough incompressible-ish text that cutting the file lands inside entry data.
        var text = ""
        for i in 0..<4000 { text += "value_\(i) = \(i &* 2654435761 % 1000003)  # \(String(i, radix: 36))\n" }
        try writeFile(dir.appendingPathComponent("src"), "pkg/big.py", text)
        try tar(["-cz"], "full.tar.gz")
        let full = try Data(contentsOf: dir.appendingPathComponent("full.tar.gz"))
        try full.prefix(full.count / 2).write(to: dir.appendingPathComponent("cut.tar.gz"))
        let r = read("cut.tar.gz")
        XCTAssertEqual(r.issues.count, 1)
        XCTAssertEqual(r.issues.first?.kind, .corruptArchive)
        XCTAssertEqual(r.issues.first?.file, dir.appendingPathComponent("cut.tar.gz").path)
        XCTAssertTrue(r.issues.first?.description.contains("cut.tar.gz") ?? false)
    }

    func testGarbageIsACorruptArchive() throws {
        try writeFile(dir, "junk.tar.gz", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
        try writeFile(dir, "junk.zip", "PK\u{3}\u{4} this is not really a zip file")
        try writeFile(dir, "fake.py.gz", "print('not gzip')\n")
        for name in ["junk.tar.gz", "junk.zip", "fake.py.gz"] {
            let r = read(name, wants: { _ in true })
            XCTAssertEqual(r.issues.map(\.kind), [.corruptArchive], name)
            XCTAssertTrue(r.docs.isEmpty, name)
        }
    }

    func testZipBombEntryIsSkippedWithoutReadingIt() throws {
        // 20 MB of one repeated line compresses to a few kB: a small zip bomb.
        let line = "x = 0                                                          \n"
        let bomb = String(repeating: line, count: 20_000_000 / line.utf8.count)
        try writeFile(dir.appendingPathComponent("src"), "pkg/bomb.py", bomb)
        try runTool("zip", ["-qr", "../bomb.zip", "pkg"], in: dir.appendingPathComponent("src"))
        let limits = ReadLimits(maxEntryBytes: 1 << 20, maxArchiveBytes: 1 << 30)
        let r = read("bomb.zip", limits: limits)
        XCTAssertEqual(r.issues.map(\.kind), [.oversized])
        XCTAssertEqual(r.issues.first?.entry, "pkg/bomb.py")
        XCTAssertTrue(r.issues.first?.problem.contains("claims") ?? false, r.issues.first?.problem ?? "")
        XCTAssertEqual(Set(r.docs.keys), ["pkg/a.py", "pkg/sub/b.py"], "the other entries are still read")
    }

    func testEntryOfUnknownSizeIsCutOffAtTheLimit() throws {
        let line = "y = 1\n"
        try writeFile(dir, "huge.py", String(repeating: line, count: 3_000_000 / line.utf8.count))
        try runTool("gzip", ["huge.py"], in: dir)
        let r = read("huge.py.gz", limits: ReadLimits(maxEntryBytes: 1 << 20, maxArchiveBytes: 1 << 30), maxFileBytes: 1 << 20)
        XCTAssertEqual(r.issues.map(\.kind), [.oversized])
        XCTAssertEqual(r.issues.first?.entry, "huge.py")
        XCTAssertTrue(r.docs.isEmpty)
    }

    func testArchiveTotalLimitStopsReading() throws {
        try tar(["-c"], "x.tar")
        let total = files["pkg/a.py"]!.utf8.count + 10
        let r = read("x.tar", limits: ReadLimits(maxEntryBytes: 1 << 20, maxArchiveBytes: total))
        XCTAssertEqual(r.issues.map(\.kind), [.oversized])
        XCTAssertEqual(r.docs.count, 1)
    }

    func testEntryOverFileSizeFilterIsNotReadButCounted() throws {
        try tar(["-c"], "x.tar")
        let r = read("x.tar", maxFileBytes: 100)
        XCTAssertEqual(r.issues, [])
        XCTAssertTrue(r.docs.isEmpty)
        XCTAssertEqual(Set(r.tooLarge), ["pkg/a.py", "pkg/sub/b.py"])
    }
}
