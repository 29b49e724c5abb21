import Foundation
import XCTest

/// `codetune export` as a user runs it: exit 0 and a Hugging Face directory for a good checkpoint,
/// exit 2 and one stderr line naming the file for a broken one. Runs the binary in `CODETUNE_BIN`.
final class ExportCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try runCodetune(arguments)
        return (r.status, r.stdoutText, r.stderr)
    }

    func testExportGoodAndBrokenCheckpoints() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["CODETUNE_BIN"] == nil, "CODETUNE_BIN not set")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/mistral_tiny")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: fixture.path), "fixture not found at \(fixture.path)")
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-e2e-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }

        let out = tmp.appendingPathComponent("hf")
        let good = try run(["export", "--model", fixture.path, "--out", out.path])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("config.json").path))

        // A truncated copy: exit 2, one line naming the weights file.
        let broken = tmp.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("config.json"), to: broken.appendingPathComponent("config.json"))
        let weights = try Data(contentsOf: fixture.appendingPathComponent("model.safetensors"))
        try weights.prefix(weights.count / 2).write(to: broken.appendingPathComponent("model.safetensors"))
        let bad = try run(["export", "--model", broken.path, "--out", tmp.appendingPathComponent("x").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("model.safetensors"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("x").path), "no partial export")
    }
}
