import Foundation
import XCTest

/// `codetune tokenizer train | encode` through the release binary (`CODETUNE_BIN`; skipped when unset).
final class TokenizerCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    func codetune(_ arguments: [String]) throws -> Run {
        let r = try runCodetune(arguments)
        return Run(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    func testTrainEncodeDecode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-tok-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = dir.appendingPathComponent("src/pkg")
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        let code = "def add(a, b):\n    return a + b\n\nclass Point:\n    def __init__(self, x):\n        self.x = x  # é 😀\n"
        for i in 0..<5 { try (code + "print(\(i))\n").write(to: src.appendingPathComponent("m\(i).py"), atomically: true, encoding: .utf8) }
        try Data([0xFF, 0xFE, 0x00]).write(to: src.appendingPathComponent("binary.py"))
        let json = dir.appendingPathComponent("tokenizer.json").path

        let train = try codetune(["tokenizer", "train", "--input", dir.appendingPathComponent("src").path,
                                  "--vocab-size", "300", "--out", json, "--json", "--quiet"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let summary = try JSONSerialization.jsonObject(with: train.stdout) as? [String: Any]
        XCTAssertEqual(summary?["vocab_size"] as? Int, 300)
        XCTAssertEqual(summary?["files"] as? Int, 5)
        XCTAssertEqual(summary?["files_skipped"] as? Int, 1)

        let text = "def add(x, y):<|endoftext|>"
        let encode = try codetune(["tokenizer", "encode", "--tokenizer", json, "--text", text])
        XCTAssertEqual(encode.status, 0, encode.stderr)
        let ids = String(decoding: encode.stdout, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        XCTAssertEqual(ids.last, "0")  // <|endoftext|>
        let decode = try codetune(["tokenizer", "encode", "--tokenizer", json, "--decode", "--text", ids.joined(separator: " ")])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        XCTAssertEqual(String(decoding: decode.stdout, as: UTF8.self), text)

        let bench = try codetune(["tokenizer", "encode", "--tokenizer", json, "--bench", "--json", "--repeat", "1",
                                  src.appendingPathComponent("m0.py").path])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        XCTAssertNotNil((try JSONSerialization.jsonObject(with: bench.stdout) as? [String: Any])?["mb_per_s_1_thread"])
    }

    func testBadInputExitsWithStatus2() throws {
        let missing = try codetune(["tokenizer", "encode", "--tokenizer", "/nonexistent/tokenizer.json", "--text", "x"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "codetune: /nonexistent/tokenizer.json: no such file\n")
        let noInput = try codetune(["tokenizer", "train", "--input", "/nonexistent/dir", "--out", "/tmp/never.json"])
        XCTAssertEqual(noInput.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never.json"))
    }
}
