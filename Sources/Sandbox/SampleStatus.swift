/// How one sample ended.
public enum SampleStatus: String, Codable, Sendable, CaseIterable {
    /// The judging process saw `check` return (a self-checking program: exited 0 after its last line).
    case passed
    /// Ran and did not pass: a failed assert, an exception, a syntax error, an early exit,
    /// a non-built-in return value, a resource limit, a signal, an output flood.
    case failed
    /// Exceeded the wall-clock limit; the whole process tree was killed.
    case timeout
    /// The harness inside the sandbox could not prepare the sample (an interpreter problem).
    case error
    /// The sandbox itself failed (could not start, broke its protocol); says nothing about the sample.
    case sandbox_error
}
