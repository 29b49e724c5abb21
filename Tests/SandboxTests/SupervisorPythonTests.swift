@testable import Sandbox
import XCTest

/// Runs the supervisor's Python unit tests (`python/test_supervisor.py`, standard library `unittest` only)
/// against the supervisor text embedded in the Sandbox module, which is what a codetune binary runs.
final class SupervisorPythonTests: XCTestCase {
    func testSupervisorPythonUnitTests() throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("python3 is not installed") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let embedded = scratch.appendingPathComponent("supervisor.py")
        try Data(PackageResources.supervisor_py).write(to: embedded)

        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.executable)
        process.arguments = ["-B", "-m", "unittest", "discover", "-s", tests.path, "-p", "test_*.py"]
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "CODETUNE_SUPERVISOR": embedded.path]
        let log = scratch.appendingPathComponent("unittest.log")
        try Data().write(to: log)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("OK"), output)
    }
}
