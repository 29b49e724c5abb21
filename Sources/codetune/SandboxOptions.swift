import ArgumentParser
import FileFormats
import Sandbox

/// Where and how wide untrusted programs run: `--sandbox --workers`, for `eval` and `bench eval`.
struct SandboxOptions: ParsableArguments {
    @Option(help: "How samples run; rlimits is weaker (no namespaces): only when bubblewrap cannot run.")
    var sandbox: SandboxMode = .bwrap

    @Option(help: "Parallel sandboxed workers (default: number of cores).")
    var workers: Int?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }
}

/// `--sandbox bwrap|rlimits`: parsed once, so commands never re-check the raw string.
extension SandboxMode: ExpressibleByArgument {}

/// "COMMAND: sandbox unavailable: REASON" for a sandbox that cannot run here, with the way out for bubblewrap.
func sandboxUnavailable(_ error: SandboxError, mode: SandboxMode, command: String) -> InputError {
    var problem = "sandbox unavailable: \(error)"
    if mode == .bwrap {
        problem += " (install bubblewrap and allow unprivileged user namespaces, or pass --sandbox rlimits for the weaker mode)"
    }
    return InputError(file: command, problem)
}

/// The sandbox that verifies generated programs (synthesized telemetry, exercises, mined functions): `mode`,
/// the interpreter `python` (a name or path), `timeout` seconds and 512 MB per process, started once so a
/// sandbox that cannot run here is refused before any work (exit 2, naming `command`).
func verifierRunner(mode: SandboxMode, python: String, timeout: Double, command: String) throws -> SelfCheckingProgramRunner {
    var limits = SandboxLimits()
    limits.timeoutSeconds = timeout
    limits.memoryMB = 512
    let interpreter: PythonInterpreter
    do {
        interpreter = try PythonInterpreter.locate(python)
    } catch let error as SandboxError {
        throw InputError(key: "--python", error.description)
    }
    do {
        let runner = SelfCheckingProgramRunner(sandbox: SandboxConfiguration(mode: mode, python: interpreter, limits: limits))
        try runner.probe()
        return runner
    } catch let error as SandboxError {
        throw sandboxUnavailable(error, mode: mode, command: command)
    }
}
