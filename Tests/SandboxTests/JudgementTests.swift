@testable import Sandbox
import XCTest

/// The supervisor's raw outcome judged: a pass needs exit status 0 and the sentinel line.
final class JudgementTests: XCTestCase {
    func testJudgeNeedsExitZeroAndSentinel() {
        let limits = SandboxLimits()
        func raw(_ out: String, _ code: Int?, signal: Int? = nil) -> RawOutcome {
            RawOutcome(stdout: out, stderr: "", exit_code: code, signal: signal, timed_out: false, flooded: false, duration_ms: 1, clean: true)
        }
        XCTAssertEqual(judge(raw("x\nS\n", 0), sentinel: "S", limits: limits).0, .passed)
        XCTAssertEqual(judge(raw("x\nS\n", 1), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("S", 0), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("\nT\n", 0), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("\nS\n", nil, signal: 9), sentinel: "S", limits: limits).1, "killed by SIGKILL (memory, process or CPU limit, or killed by the sample)")
        XCTAssertNotEqual(randomSentinel(), randomSentinel())
    }
}
