import Foundation

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
            let outcome = supervisor.run(program: program, entryPoint: nil)
            return (outcome.status, outcome.detail)
        }
    }
}
