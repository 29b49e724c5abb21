import Foundation

/// What running a program with its tests said.
public enum VerificationOutcome: Equatable, Sendable {
    case passed
    /// Non-zero exit (an assertion or an exception); the last line of stderr.
    case failed(String)
    case timedOut
    /// The program could not be run at all (no interpreter, no temporary directory).
    case error(String)

    public var passed: Bool { self == .passed }
}

/// Runs a self-checking program (solution plus assertions) and says whether it passed. The exercise
/// generator calls this before an exercise becomes an `accepted` event. Conformances: `PythonForkingVerifier`
/// (rlimits only, the library default) and, in the command line, the evaluator's sandbox (Corpus does not
/// import Evaluation).
public protocol ProgramVerifier: Sendable {
    func verify(program: String) -> VerificationOutcome
    /// Several programs at once (a verifier may amortize its start-up); same order as `programs`.
    func verifyAll(_ programs: [String]) -> [VerificationOutcome]
}

extension ProgramVerifier {
    public func verifyAll(_ programs: [String]) -> [VerificationOutcome] { programs.map { verify(program: $0) } }
}
