import Foundation
import SeededRandom

/// Turns generated exercises into telemetry events: a solution becomes an `accepted` event only after its
/// tests pass when run, and a broken variant becomes a `rejected` event only after the tests fail it.
public struct ExerciseTelemetry {
    /// Every exercise family, string / parsing ones first.
    public static let familyCount = ExerciseFamiliesText.all.count + ExerciseFamiliesData.all.count
    static let families = ExerciseFamiliesText.all + ExerciseFamiliesData.all

    public struct Counts: Equatable, Sendable {
        public var exercises = 0
        public var accepted = 0
        public var rejected = 0
        /// Solutions whose own tests failed (a generator bug; the exercise is dropped).
        public var failedSolutions = 0
        /// Broken variants the tests could not tell from the solution (dropped).
        public var undetectedVariants = 0
        /// Programs the verifier could not run at all.
        public var verifierErrors = 0
        public var firstProblem: String?
        public init() {}
    }

    public var model = "codetune-sim-1"
    public var startEpoch = 1_790_000_000.0
    public init() {}

    /// Exercise `index` of the stream for `seed`: families in turn, each with its own seeded randomness,
    /// so the same (seed, index) always gives the same exercise.
    public static func exercise(seed: UInt64, index: Int) -> Exercise {
        var mix = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        var g = ExerciseBuilder(rng: SplitMix64(seed: mix.next()))
        return families[index % families.count](&g)
    }

    /// Generates `count` exercises, verifies their solutions and variants with `verifier` on up to
    /// `workers` threads, and returns the events in exercise order with the counts.
    public func events(count: Int, seed: UInt64, verifier: ProgramVerifier, workers: Int = 2) -> ([TelemetryEvent], Counts) {
        let exercises = (0..<count).map { Self.exercise(seed: seed, index: $0) }
        // One program per (exercise, body): the solution first, then the variants.
        var jobs: [(Int, Int, String)] = []
        for (i, ex) in exercises.enumerated() {
            jobs.append((i, 0, ex.program(body: ex.solution)))
            for (v, body) in ex.brokenVariants.enumerated() { jobs.append((i, v + 1, ex.program(body: body))) }
        }
        let outcomes = Self.runAll(jobs.map(\.2), verifier: verifier, workers: workers)
        var results = [[VerificationOutcome]](repeating: [], count: count)
        for (k, job) in jobs.enumerated() { results[job.0].append(outcomes[k]) }

        var counts = Counts()
        var events: [TelemetryEvent] = []
        var rng = SplitMix64(seed: seed ^ 0x5EED_E4E7)
        var t = startEpoch
        let session = "exercise-session-" + rng.hex(12)
        for (i, ex) in exercises.enumerated() {
            counts.exercises += 1
            let r = results[i]
            if case .error(let m) = r[0] { counts.verifierErrors += 1; counts.firstProblem = counts.firstProblem ?? m; continue }
            guard r[0].passed else {
                counts.failedSolutions += 1
                if counts.firstProblem == nil, case .failed(let m) = r[0] { counts.firstProblem = "\(ex.family): \(m)" }
                continue
            }
            let path = "exercises/\(ex.family)/\(ex.functionName)_\(i).py"
            func event(_ body: String, _ outcome: TelemetryOutcome, _ rng: inout SplitMix64) -> TelemetryEvent {
                t += 1 + rng.exponential(mean: 20)
                let latency = min(8000, rng.logNormal(median: 95 + 1.8 * Double(body.utf8.count), sigma: 0.45))
                return TelemetryEvent(id: "ex-" + rng.hex(16), time: EditorSessionSimulator.iso8601(t), session: session,
                                      user: "exercise-author", language: "python", path: path, prefix: ex.prompt,
                                      suffix: "", suggestion: body, outcome: outcome, latencyMs: (latency * 10).rounded() / 10,
                                      model: model, origin: "exercise")
            }
            events.append(event(ex.solution, .accepted, &rng))
            counts.accepted += 1
            for (v, body) in ex.brokenVariants.enumerated() {
                switch r[v + 1] {
                case .passed: counts.undetectedVariants += 1
                case .error(let m): counts.verifierErrors += 1; counts.firstProblem = counts.firstProblem ?? m
                case .failed, .timedOut:
                    events.append(event(body, .rejected, &rng))
                    counts.rejected += 1
                }
            }
        }
        return (events, counts)
    }

    /// Splits `programs` into `workers` contiguous chunks verified concurrently; outcomes in input order.
    static func runAll(_ programs: [String], verifier: ProgramVerifier, workers: Int) -> [VerificationOutcome] {
        final class Box: @unchecked Sendable {
            var chunks: [[VerificationOutcome]]
            let lock = NSLock()
            init(_ n: Int) { chunks = Array(repeating: [], count: n) }
        }
        let w = max(1, min(workers, programs.count))
        let size = (programs.count + w - 1) / max(w, 1)
        let box = Box(w)
        DispatchQueue.concurrentPerform(iterations: w) { k in
            let lo = min(programs.count, k * size), hi = min(programs.count, lo + size)
            let out = verifier.verifyAll(Array(programs[lo..<hi]))
            box.lock.lock(); box.chunks[k] = out; box.lock.unlock()
        }
        return box.chunks.flatMap { $0 }
    }
}
