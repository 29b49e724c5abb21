import ArgumentParser
import Corpus
import FileFormats
import Foundation

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
    @Option(help: "Longest prefix (text before the cursor) in bytes, cut at a line start.") var maxPrefixBytes = 1500
    @Option(help: "Longest suffix (text after the continuation) in bytes, cut at a line end.") var maxSuffixBytes = 400

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard sessions >= 0, exercises >= 0, maxFiles >= 1, workers >= 1, timeout > 0, maxPrefixBytes >= 0, maxSuffixBytes >= 0 else {
            throw ValidationError("counts must be non-negative, --max-files and --workers at least 1, --timeout positive")
        }
    }

    func run() throws {
        var events: [TelemetryEvent] = []
        var sourcePath = "-"
        if sessions > 0 {
            let root = try source.map { URL(fileURLWithPath: $0) } ?? CodeDocuments.pythonStandardLibrary()
            sourcePath = root.path
            let docs = try CodeDocuments.load(from: root, limit: maxFiles)
            if docs.isEmpty { throw InputError(file: root.path, "no .py files to simulate sessions over") }
            var options = EditorSessionSimulator.Options()
            options.sessions = sessions
            options.maxPrefixBytes = maxPrefixBytes
            options.maxSuffixBytes = maxSuffixBytes
            events += EditorSessionSimulator(options: options).simulate(documents: docs, seed: seed)
        }
        var exerciseCounts = ExerciseTelemetry.Counts()
        if exercises > 0 {
            let verifier = PythonForkingVerifier(python: python, timeoutSeconds: timeout)
            let (ev, counts) = ExerciseTelemetry().events(count: exercises, seed: seed, verifier: verifier, workers: workers)
            if counts.verifierErrors > 0 && counts.accepted == 0 {
                throw InputError("cannot verify exercises: \(counts.firstProblem ?? "verifier failed")")
            }
            events += ev
            exerciseCounts = counts
        }
        // Simulated text comes from real files: scrub it like any telemetry (ids are synthetic already).
        let scrubber = Scrubber()
        var replaced = 0
        var lines: [String] = []
        lines.reserveCapacity(events.count)
        for e in events {
            let (clean, c) = scrubber.scrub(e, hashIDs: false)
            replaced += c.values.reduce(0, +)
            lines.append(try JSONLines.encodeLine(clean))
        }
        try AtomicFile.write(lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n", to: URL(fileURLWithPath: out))
        var byOutcome: [String: Int] = [:], byOrigin: [String: Int] = [:]
        for e in events { byOutcome[e.outcome.rawValue, default: 0] += 1; byOrigin[e.origin ?? "real", default: 0] += 1 }
        if json {
            let o: [String: Any] = ["events": events.count, "outcomes": byOutcome, "origins": byOrigin, "seed": seed, "source": sourcePath,
                                    "scrub_replacements": replaced, "exercise_failed_solutions": exerciseCounts.failedSolutions,
                                    "exercise_undetected_variants": exerciseCounts.undetectedVariants]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(out): \(events.count) events (seed \(seed))")
            print("  outcomes: " + TelemetryOutcome.allCases.map { "\($0.rawValue) \(byOutcome[$0.rawValue] ?? 0)" }.joined(separator: ", "))
            print("  simulated \(byOrigin["simulated"] ?? 0) from \(sourcePath); exercise \(byOrigin["exercise"] ?? 0) "
                  + "(\(exerciseCounts.accepted) verified solutions, \(exerciseCounts.rejected) failing variants, "
                  + "\(exerciseCounts.undetectedVariants) variants the tests missed dropped, \(exerciseCounts.failedSolutions) failed solutions dropped)")
            print("  scrubber replacements in simulated text: \(replaced)")
        }
    }
}
