@testable import Sandbox
import XCTest

/// The supervisor's raw outcome judged: a pass needs exit status 0 and the sentinel line.
final class JudgementTests: XCTestCase {
    func testJudgeNeedsExitZeroAndSentinel() {
        let limits = SandboxLimits()
        func raw(_ out: String, _ code: Int?, signal: Int? = nil) -> RawOutcome {
            RawOutcome(stdout: out, stderr: "", exit_code: code, signal: signal, timed_out: false, flooded: false, duration_ms: 1, clean: true, judge: nil)
        }
        XCTAssertEqual(judge(raw("x\nS\n", 0), sentinel: "S", limits: limits).0, .passed)
        XCTAssertEqual(judge(raw("x\nS\n", 1), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("S", 0), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("\nT\n", 0), sentinel: "S", limits: limits).0, .failed)
        XCTAssertEqual(judge(raw("\nS\n", nil, signal: 9), sentinel: "S", limits: limits).1, "killed by SIGKILL (memory, process or CPU limit, or killed by the sample)")
        XCTAssertNotEqual(randomSentinel(), randomSentinel())
    }

    /// A split sample passes on the judging process's word only; the completion's output and exit status never make a pass.
    func testSplitSamplesPassOnTheJudgesWordOnly() {
        let limits = SandboxLimits()
        func raw(_ report: JudgeReport?, code: Int? = nil, signal: Int? = nil, stderr: String = "", timedOut: Bool = false) -> RawOutcome {
            RawOutcome(stdout: "\nS\n", stderr: stderr, exit_code: code, signal: signal, timed_out: timedOut, flooded: false,
                       duration_ms: 1, clean: true, judge: report)
        }
        XCTAssertEqual(judge(raw(JudgeReport(passed: true, detail: "")), sentinel: "", limits: limits).0, .passed)
        XCTAssertEqual(judge(raw(nil, code: 0), sentinel: "", limits: limits).0, .failed, "no report, no pass, whatever the output")
        XCTAssertEqual(judge(raw(JudgeReport(passed: true, detail: ""), timedOut: true), sentinel: "", limits: limits).0, .timeout)
        XCTAssertEqual(judge(raw(JudgeReport(passed: false, detail: "AssertionError (line 6)")), sentinel: "", limits: limits).1, "AssertionError (line 6)")
        let gone = JudgeReport(passed: false, detail: "", gone: "during call 2 of f")
        XCTAssertEqual(judge(raw(gone, code: 0), sentinel: "", limits: limits).1, "exited with status 0 during call 2 of f, before the tests finished")
        XCTAssertEqual(judge(raw(gone, code: 1, stderr: "Traceback\nValueError: x (line 3)\n"), sentinel: "", limits: limits).1, "ValueError: x (line 3)")
        XCTAssertEqual(judge(raw(gone, signal: 9), sentinel: "", limits: limits).1,
                       "killed by SIGKILL (memory, process or CPU limit, or killed by the sample) during call 2 of f")
        XCTAssertEqual(judge(raw(gone), sentinel: "", limits: limits).1, "the completion's process stopped answering during call 2 of f")
        XCTAssertEqual(judge(raw(JudgeReport(passed: false, detail: "no verdict", judge_failed: true)), sentinel: "", limits: limits).0, .error)
    }
}
