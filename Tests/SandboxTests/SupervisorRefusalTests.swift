import Sandbox
import XCTest

/// A sandbox that cannot start is refused (probe throws) and judges nothing as passed.
final class SupervisorRefusalTests: XCTestCase {
    func testBrokenBubblewrapIsRefusedNotBypassed() throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("no python3") }
        let broken = SandboxConfiguration(mode: .bwrap, python: python, limits: SandboxLimits(), bwrapPath: "/bin/false")
        XCTAssertThrowsError(try broken.probe()) { XCTAssertTrue($0 is SandboxError, "\($0)") }
        let missing = SandboxConfiguration(mode: .bwrap, python: python, limits: SandboxLimits(), bwrapPath: "/nonexistent/bwrap")
        XCTAssertThrowsError(try missing.probe())
        let verdicts = SelfCheckingProgramRunner(sandbox: broken).run(["assert True\n"])
        XCTAssertEqual(verdicts.map(\.status), [.sandbox_error])
    }
}
