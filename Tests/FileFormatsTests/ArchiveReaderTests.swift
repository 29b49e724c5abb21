import FileFormats
import XCTest

/// The one libarchive reader: whole single files (plain or compressed) and archive entries under a size cap.
final class ArchiveReaderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("archive-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { [dir] in try? FileManager.default.removeItem(at: dir!) }
    }

    func tool(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.currentDirectoryURL = dir
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw XCTSkip("\(args[0]) is not available") }
    }

    func testWholeFilePlainAndGzip() throws {
        let text = Data(String(repeating: "{\"task_id\": \"x\"}\n", count: 1000).utf8)
        try text.write(to: dir.appendingPathComponent("p.jsonl"))
        try tool(["gzip", "-k", "p.jsonl"])
        XCTAssertEqual(try ArchiveReader.readFile(dir.appendingPathComponent("p.jsonl")), text)
        XCTAssertEqual(try ArchiveReader.readFile(dir.appendingPathComponent("p.jsonl.gz")), text)
        XCTAssertThrowsError(try ArchiveReader.readFile(dir.appendingPathComponent("p.jsonl.gz"), maxBytes: 100)) {
            XCTAssertTrue("\($0)".contains("decompresses past the limit of 100 bytes"), "\($0)")
        }
    }

    func testMissingAndCorruptFilesAreInputErrorsNamingTheFile() throws {
        let missing = dir.appendingPathComponent("none.jsonl")
        XCTAssertThrowsError(try ArchiveReader.readFile(missing)) {
            XCTAssertEqual($0 as? InputError, InputError(file: missing.path, "no such file"))
        }
        let gz = dir.appendingPathComponent("bad.gz")
        try Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3] + Array(repeating: 0x55, count: 40)).write(to: gz)
        XCTAssertThrowsError(try ArchiveReader.readFile(gz)) { XCTAssertEqual(($0 as? InputError)?.file, gz.path) }
    }

    /// libarchive's mtree reader claims a one-line JSON file; `archiveOrSingleFile` leaves it out.
    func testOneLineJSONIsASingleFileNotAnArchive() throws {
        let f = dir.appendingPathComponent("one.jsonl")
        try Data("{\"id\": \"e\", \"prefix\": \"ab\"}\n".utf8).write(to: f)
        let reader = try ArchiveReader(path: f.path, formats: .archiveOrSingleFile)
        let entry = try XCTUnwrap(try reader.nextEntry())
        XCTAssertTrue(entry.isWholeFile)
        XCTAssertFalse(reader.isCompressed)
        XCTAssertEqual(try reader.readEntry(maxBytes: 1 << 20), Array("{\"id\": \"e\", \"prefix\": \"ab\"}\n".utf8))
        XCTAssertNil(try reader.nextEntry())
    }

    func testTarEntriesWithDeclaredSizesAndTheCap() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pkg"), withIntermediateDirectories: true)
        try Data("small\n".utf8).write(to: dir.appendingPathComponent("pkg/a.txt"))
        try Data(String(repeating: "b", count: 5000).utf8).write(to: dir.appendingPathComponent("pkg/b.txt"))
        try tool(["tar", "-czf", "x.tar.gz", "./pkg/a.txt", "./pkg/b.txt"])
        let reader = try ArchiveReader(path: dir.appendingPathComponent("x.tar.gz").path, formats: .archive)
        let a = try XCTUnwrap(try reader.nextEntry())
        XCTAssertEqual(a.path, "pkg/a.txt", "leading ./ dropped")
        XCTAssertEqual(a.declaredSize, 6)
        XCTAssertTrue(a.isRegularFile && !a.isWholeFile)
        XCTAssertTrue(reader.isCompressed)
        XCTAssertEqual(try reader.readEntry(maxBytes: 100), Array("small\n".utf8))
        let b = try XCTUnwrap(try reader.nextEntry())
        XCTAssertEqual(b.declaredSize, 5000)
        XCTAssertNil(try reader.readEntry(maxBytes: 4096), "over the cap: nil, not a partial entry")
    }

    func testTruncatedArchiveNamesTheLastGoodEntry() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pkg"), withIntermediateDirectories: true)
        try Data("first\n".utf8).write(to: dir.appendingPathComponent("pkg/a.txt"))
        var noise = [UInt8](); var x: UInt32 = 1
        for _ in 0..<200_000 { x = x &* 1_664_525 &+ 1_013_904_223; noise.append(UInt8(truncatingIfNeeded: x >> 24)) }
        try Data(noise).write(to: dir.appendingPathComponent("pkg/b.bin"))
        try tool(["tar", "-cf", "x.tar", "pkg/a.txt", "pkg/b.bin"])
        let full = try Data(contentsOf: dir.appendingPathComponent("x.tar"))
        try full.prefix(1024 + 512 + 100).write(to: dir.appendingPathComponent("cut.tar"))
        let reader = try ArchiveReader(path: dir.appendingPathComponent("cut.tar").path, formats: .archive)
        XCTAssertEqual(try reader.nextEntry()?.path, "pkg/a.txt")
        XCTAssertEqual(try reader.nextEntry()?.path, "pkg/b.bin")
        XCTAssertThrowsError(try reader.readEntry(maxBytes: 1 << 20)) {
            let e = $0 as? InputError
            XCTAssertEqual(e?.key, "pkg/b.bin")
            XCTAssertTrue(e?.problem.hasPrefix("cannot read entry: ") ?? false, "\($0)")
        }
    }
}
