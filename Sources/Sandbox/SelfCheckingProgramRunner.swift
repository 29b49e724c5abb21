import Foundation

/// A sample in its three parts, for the split runner: the completion's process runs `prompt + completion`;
/// the judging process runs `prompt` with `entryPoint` replaced by a stub that asks the completion's
/// process, then `test`, then `check(entryPoint)` when `callCheck` (else `test`'s own statements,
/// e.g. `assert f(1) == 2`, are the check).
public struct JudgedSample: Sendable, Equatable {
    public var prompt: String
    public var completion: String
    public var test: String
    public var entryPoint: String
    public var callCheck: Bool

    public init(prompt: String, completion: String, test: String, entryPoint: String, callCheck: Bool = true) {
        self.prompt = prompt
        self.completion = completion
        self.test = test
        self.entryPoint = entryPoint
        self.callCheck = callCheck
    }
}

/// Runs self-checking programs (code followed by its own `assert`s, no `check` function) in the
/// sandbox, one supervisor per call: the same isolation, limits and judging as the evaluator's samples.
/// A program passes when it runs to its end; an assertion or exception fails it, running past
/// `sandbox.limits.timeoutSeconds` is a timeout. For the exercise generator's verification.
public struct SelfCheckingProgramRunner: Sendable {
    public var sandbox: SandboxConfiguration

    public init(sandbox: SandboxConfiguration) { self.sandbox = sandbox }

    /// Starts one supervisor; throws `SandboxError` when the sandbox cannot run here.
    public func probe() throws { try sandbox.probe() }

    /// Runs `programs` one after another in one sandboxed supervisor; verdicts in input order, the
    /// detail a one-line reason (the exception's last line, "timed out after 2 s", …). A sandbox that
    /// cannot start gives `sandbox_error` for every program.
    public func run(_ programs: [String]) -> [(status: SampleStatus, detail: String)] {
        let supervisor = SandboxSupervisor(configuration: sandbox)
        defer { supervisor.stop() }
        return programs.map { program in
            let outcome = supervisor.run(program: program)
            return (outcome.status, outcome.detail)
        }
    }

    /// Runs split samples (a function, its body and tests that call it) one after another in one
    /// sandboxed supervisor: the tests run in a process of their own that the body's process cannot
    /// reach, so a body passes only by answering every call right. Verdicts in input order.
    public func run(_ samples: [JudgedSample]) -> [(status: SampleStatus, detail: String)] {
        let supervisor = SandboxSupervisor(configuration: sandbox)
        defer { supervisor.stop() }
        return samples.map { s in
            let outcome = supervisor.run(prompt: s.prompt, completion: s.completion, test: s.test,
                                         entryPoint: s.entryPoint, callCheck: s.callCheck)
            return (outcome.status, outcome.detail)
        }
    }
}
