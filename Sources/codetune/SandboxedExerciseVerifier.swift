import Corpus
import Evaluation
import Sandbox

/// Exercise verification (`Corpus.ProgramVerifier`) in the evaluator's sandbox, for `data synth-telemetry`.
/// Lives here because Corpus must not import Evaluation. Verdicts: passed → passed, failed → failed with the
/// reason, timeout → timedOut, error / sandbox_error → error (the program could not be judged).
struct SandboxedExerciseVerifier: ProgramVerifier {
    var runner: SelfCheckingProgramRunner

    func verify(program: String) -> VerificationOutcome { verifyAll([program])[0] }

    func verifyAll(_ programs: [String]) -> [VerificationOutcome] {
        runner.run(programs).map { run in
            switch run.status {
            case .passed: return .passed
            case .failed: return .failed(run.detail)
            case .timeout: return .timedOut
            case .error, .sandbox_error: return .error(run.detail)
            }
        }
    }
}
