import FileFormats
import Foundation
import Sandbox

/// Telemetry of the project's own making, as `codetune data synth-telemetry` writes it and as a training
/// run can make it for itself: simulated editor sessions over source files plus verified exercise events,
/// text scrubbed like real telemetry, every event marked scrubbed.
public enum SyntheticTelemetry {
    public struct Options: Sendable {
        /// Directory of `.py` files; nil = the standard library of the `python3` on PATH.
        public var source: URL?
        public var sessions = 200
        public var exercises = 200
        public var seed: UInt64 = 1
        public var maxFiles = 2000
        public var workers = 2
        /// Runs the exercise programs in the sandbox (its limits give the per-program wall-clock seconds);
        /// required when `exercises` > 0.
        public var runner: SelfCheckingProgramRunner?
        public var simulator = EditorSessionSimulator.Options()
        /// Called with what is being done and how far along (`done` of `total`; 0 of 0 for a step without
        /// a count), from any thread; nil = silent.
        public var progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)?
        public init() {}
    }

    public struct Summary: Sendable {
        public var events = 0
        public var byOutcome: [TelemetryOutcome: Int] = [:]
        public var simulated = 0
        public var exercise = ExerciseTelemetry.Counts()
        public var sourcePath: String?
        public var scrubReplacements = 0
    }

    /// Generates the events (sessions first, then exercises), deterministic for the seed and source files.
    public static func generate(_ o: Options) throws -> ([TelemetryEvent], Summary) {
        var events: [TelemetryEvent] = []
        var summary = Summary()
        if o.sessions > 0 {
            let root = try o.source ?? CodeDocuments.pythonStandardLibrary()
            summary.sourcePath = root.path
            o.progress?("reading .py files under \(root.path)", 0, 0)
            let docs = try CodeDocuments.load(from: root, limit: o.maxFiles)
            if docs.isEmpty { throw InputError(file: root.path, "no .py files to simulate sessions over") }
            var sim = o.simulator
            sim.sessions = o.sessions
            o.progress?("simulating \(o.sessions) editor sessions over \(docs.count) files", 0, 0)
            events += EditorSessionSimulator(options: sim).simulate(documents: docs, seed: o.seed)
            summary.simulated = events.count
        }
        if o.exercises > 0 {
            guard let runner = o.runner else { preconditionFailure("exercises need a sandbox runner") }
            let step = "verifying exercise programs in the sandbox"
            o.progress?(step, 0, 0)
            var verified: (@Sendable (Int, Int) -> Void)?
            if let report = o.progress { verified = { done, total in report(step, done, total) } }
            let (ev, counts) = ExerciseTelemetry().events(count: o.exercises, seed: o.seed, runner: runner, workers: o.workers,
                                                          progress: verified)
            if counts.verifierErrors > 0 && counts.accepted == 0 {
                throw InputError("cannot verify exercises: \(counts.firstProblem ?? "verifier failed")")
            }
            events += ev
            summary.exercise = counts
        }
        // Simulated text comes from real files: scrub it like any telemetry (ids are synthetic and kept).
        let scrubber = Scrubber()
        for i in events.indices {
            let (clean, c) = scrubber.scrub(events[i], hashIDs: false)
            summary.scrubReplacements += c.values.reduce(0, +)
            events[i] = clean
            summary.byOutcome[clean.outcome, default: 0] += 1
        }
        summary.events = events.count
        return (events, summary)
    }

    /// Writes `events` as JSON lines to `url`, whole or not at all.
    public static func write(_ events: [TelemetryEvent], to url: URL) throws {
        var text = ""
        for e in events { text += try JSONLines.encodeLine(e); text += "\n" }
        try AtomicFile.write(text, to: url)
    }
}

/// `codetune data scrub` as a function: validate, scrub, write whole or not at all.
public enum TelemetryScrubbing {
    public struct Summary: Sendable {
        public var events = 0
        public var badLines = 0
        public var errors: [InputError] = []
        public var replacements: [ScrubKind: Int] = [:]
    }

    /// Scrubs every good line of `input` into `output`. Bad lines are dropped and returned in the summary;
    /// with `strict` any bad line throws them all and nothing is written.
    public static func scrubFile(_ input: URL, to output: URL, scrubber: Scrubber, strict: Bool = false) throws -> Summary {
        if input.standardizedFileURL.path == output.standardizedFileURL.path {
            throw InputError(file: output.path, "output must differ from the input")
        }
        var validator = TelemetryValidator()
        var text = ""
        var summary = Summary()
        try TelemetryLineReader.forEachLine(in: input, nonUTF8: { validator.reject(file: $0, lineNumber: $1, "not UTF-8 text") }) { place, n, line in
            guard let event = validator.check(line: line, lineNumber: n, file: place) else { return }
            let (clean, c) = scrubber.scrub(event)
            for (k, v) in c { summary.replacements[k, default: 0] += v }
            text += try JSONLines.encodeLine(clean)
            text += "\n"
            summary.events += 1
        }
        summary.badLines = validator.badLines
        summary.errors = validator.errors
        if strict && validator.badLines > 0 { throw InputErrors(validator.errors) }
        try AtomicFile.write(text, to: output)
        return summary
    }
}
