import ArgumentParser
import FileFormats
import Foundation
import Sandbox
import Telemetry

/// `codetune data synth-telemetry`: telemetry-style events of the project's own making.
struct DataSynthTelemetry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-telemetry",
        abstract: "Simulate editor sessions over a code directory and verified exercise events; write scrubbed telemetry.",
        discussion: "Deterministic for a seed and the same source files. Source: .py files under --source, by default the standard library of the python3 on PATH.")

    @Option(name: .shortAndLong, help: "Output JSON lines file (written whole or not at all).")
    var out: String

    @Option(help: "Directory of .py files to simulate sessions over (default: python3's standard library).")
    var source: String?

    @Option(help: "Simulated editor sessions.") var sessions = 200
    @Option(help: "Exercises (each gives one accepted and up to two rejected events).") var exercises = 200
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Read at most this many source files.") var maxFiles = 2000
    @Option(help: "Parallel verifier processes.") var workers = 2
    @Option(help: "Python interpreter for exercise verification.") var python = "python3"
    @Option(help: "Seconds before an exercise program is stopped.") var timeout = 2.0
    @Option(help: "Exercise programs run in the evaluator's sandbox: bwrap (default) or rlimits (weaker: no namespaces; only when bubblewrap cannot run).")
    var sandbox: SandboxMode = .bwrap
    @Option(help: "Longest prefix (text before the cursor) in bytes, cut at a line start.") var maxPrefixBytes = 1500
    @Option(help: "Longest suffix (text after the continuation) in bytes, cut at a line end.") var maxSuffixBytes = 400

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    func validate() throws {
        if sessions < 0 { throw ValidationError("--sessions must be 0 or more, not \(sessions)") }
        if exercises < 0 { throw ValidationError("--exercises must be 0 or more, not \(exercises)") }
        if sessions == 0 && exercises == 0 { throw ValidationError("--sessions and --exercises are both 0: nothing to write") }
        if maxFiles < 1 { throw ValidationError("--max-files must be at least 1, not \(maxFiles)") }
        if workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        if !(timeout > 0) || !timeout.isFinite { throw ValidationError("--timeout must be a positive number of seconds, not \(timeout)") }
        if maxPrefixBytes < 0 { throw ValidationError("--max-prefix-bytes must be 0 or more, not \(maxPrefixBytes)") }
        if maxSuffixBytes < 0 { throw ValidationError("--max-suffix-bytes must be 0 or more, not \(maxSuffixBytes)") }
    }

    func run() throws {
        var o = SyntheticTelemetry.Options()
        o.source = source.map { URL(fileURLWithPath: $0) }
        o.sessions = sessions; o.exercises = exercises; o.seed = seed; o.maxFiles = maxFiles
        o.workers = workers
        if exercises > 0 { o.runner = try sandboxRunner() }
        o.simulator.maxPrefixBytes = maxPrefixBytes
        o.simulator.maxSuffixBytes = maxSuffixBytes
        let line = TerminalProgress.standardError()
        if let line { o.progress = { step, done, total in line.show(total > 0 ? "\(step): \(done)/\(total)" : step) } }
        let (events, s) = try SyntheticTelemetry.generate(o)
        line?.finish()
        try SyntheticTelemetry.write(events, to: URL(fileURLWithPath: out))
        let outcomes = TelemetryOutcome.allCases.map { ($0.rawValue, s.byOutcome[$0] ?? 0) }
        if json {
            let o: [String: Any] = ["events": s.events, "outcomes": Dictionary(uniqueKeysWithValues: outcomes), "seed": seed,
                                    "source": s.sourcePath ?? "-", "simulated": s.simulated, "exercise_events": s.events - s.simulated,
                                    "scrub_replacements": s.scrubReplacements, "exercise_failed_solutions": s.exercise.failedSolutions,
                                    "exercise_undetected_variants": s.exercise.undetectedVariants]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(out): \(s.events) events (seed \(seed))")
            print("  outcomes: " + outcomes.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            print("  simulated \(s.simulated) from \(s.sourcePath ?? "-"); exercise \(s.events - s.simulated) "
                  + "(\(s.exercise.accepted) verified solutions, \(s.exercise.rejected) failing variants, "
                  + "\(s.exercise.undetectedVariants) variants the tests missed dropped, \(s.exercise.failedSolutions) failed solutions dropped)")
            print("  scrubber replacements in simulated text: \(s.scrubReplacements)")
        }
    }

    /// The sandbox in `--sandbox` mode with `--python` and `--timeout`, started once to refuse early (exit 2)
    /// when it cannot run here.
    func sandboxRunner() throws -> SelfCheckingProgramRunner {
        try verifierRunner(mode: sandbox, python: python, timeout: timeout, command: "data synth-telemetry")
    }
}
