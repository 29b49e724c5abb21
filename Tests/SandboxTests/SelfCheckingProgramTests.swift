@testable import Sandbox
import XCTest

/// The exercise generator's verification in the sandbox: a program that passes, one that fails, one that loops.
final class SelfCheckingProgramTests: XCTestCase {
    let programs = [
        "def double(x):\n    return 2 * x\n\nassert double(3) == 6\nassert double(0) == 0\n",
        "def double(x):\n    return x + 2\n\nassert double(3) == 6, 'double(3) is wrong'\n",
        "while True:\n    pass\n",
        "import sys\nsys.exit(0)\nassert False\n",
        "x = [0] * (1 << 40)\n",
        "print('noise')\n",
        "import sys\nsys.exit(3)\n",
    ]

    func check(_ mode: SandboxMode) throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("no python3") }
        var limits = SandboxLimits()
        limits.timeoutSeconds = 1
        limits.memoryMB = 512
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: mode, python: python, limits: limits))
        do { try runner.probe() } catch { throw XCTSkip("the \(mode) sandbox cannot run here: \(error)") }
        let out = runner.run(programs)
        XCTAssertEqual(out.count, programs.count)
        XCTAssertEqual(out[0].status, .passed, out[0].detail)
        XCTAssertEqual(out[1].status, .failed)
        XCTAssertTrue(out[1].detail.contains("double(3) is wrong"), out[1].detail)
        XCTAssertEqual(out[2].status, .timeout, out[2].detail)
        XCTAssertEqual(out[3].status, .failed, "an early exit is not a pass: \(out[3].detail)")
        XCTAssertEqual(out[4].status, .failed, "memory limit: \(out[4].detail)")
        XCTAssertEqual(out[5].status, .passed, "output does not fail a program: \(out[5].detail)")
        XCTAssertEqual(out[6].status, .failed, out[6].detail)
    }

    func testVerdictsInBubblewrap() throws { try check(.bwrap) }
    func testVerdictsWithRlimits() throws { try check(.rlimits) }

    /// Split samples through the runner: a body passes only by answering the tests' calls, and SysV IPC
    /// objects or an abstract socket made by one sample are gone for the next sample of the same supervisor.
    func testJudgedSamplesAndLeftoversInBubblewrap() throws {
        guard let python = try? PythonInterpreter.locate() else { throw XCTSkip("no python3") }
        var limits = SandboxLimits()
        limits.timeoutSeconds = 2
        limits.memoryMB = 512
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: .bwrap, python: python, limits: limits))
        do { try runner.probe() } catch { throw XCTSkip("bubblewrap cannot run here: \(error)") }
        let prompt = "def double(x):\n"
        let tests = "assert double(3) == 6\nassert double(0) == 0\n"
        let make = "    import ctypes, socket\n    if not hasattr(double, 's'):\n        libc = ctypes.CDLL(None)\n        libc.shmget(0x5EED, 4096, 0o1666); libc.semget(0x5EED, 1, 0o1666); libc.msgget(0x5EED, 0o1666)\n"
            + "        double.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n        double.s.bind('\\0codetune-leftover')\n        double.s.listen(1)\n    return 2 * x\n"
        let find = "    import ctypes, socket\n    libc = ctypes.CDLL(None)\n    assert libc.shmget(0x5EED, 0, 0) < 0 and libc.semget(0x5EED, 0, 0) < 0 and libc.msgget(0x5EED, 0) < 0, 'SysV IPC left over'\n"
            + "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n    try:\n        s.connect('\\0codetune-leftover')\n        raise AssertionError('abstract socket left over')\n    except ConnectionRefusedError:\n        pass\n    return 2 * x\n"
        let samples = [
            JudgedSample(prompt: prompt, completion: "    return 2 * x\n", test: tests, entryPoint: "double", callCheck: false),
            JudgedSample(prompt: prompt, completion: "    return x + 3\n", test: tests, entryPoint: "double", callCheck: false),
            JudgedSample(prompt: prompt, completion: make, test: tests, entryPoint: "double", callCheck: false),
            JudgedSample(prompt: prompt, completion: find, test: tests, entryPoint: "double", callCheck: false),
        ]
        let out = runner.run(samples)
        XCTAssertEqual(out.map(\.status), [.passed, .failed, .passed, .passed], "\(out)")
        XCTAssertEqual(out[1].detail, "AssertionError (line 5)")
    }
}
