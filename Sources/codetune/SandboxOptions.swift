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
