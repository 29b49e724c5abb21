import Foundation
import Sandbox
import SeededRandom

/// Turns generated exercises into telemetry events: a solution becomes an `accepted` event only after its
/// tests pass when run, and a broken variant becomes a `rejected` event only after the tests fail it.
public struct ExerciseTelemetry {
    /// Every exercise family, string / parsing ones first.
    static let families = ExerciseFamiliesText.all + ExerciseFamiliesData.all
    public static var familyCount: Int { families.count }

    public struct Counts: Equatable, Sendable {
        public var exercises = 0
        public var accepted = 0
        public var rejected = 0
        /// Solutions whose own tests failed (a generator bug; the exercise is dropped).
        public var failedSolutions = 0
        /// Broken variants the tests could not tell from the solution (dropped).
        public var undetectedVariants = 0
        /// Programs the sandbox could not judge (an `error` or `sandbox_error` verdict).
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
        var mix = SplitMix64(seed: seed ^ (UInt64(index) &* SplitMix64.increment))
        var g = ExerciseBuilder(rng: SplitMix64(seed: mix.next()))
        return families[index % families.count](&g)
    }

    /// Generates `count` exercises, runs their solutions and variants (self-checking programs) with `runner` in
    /// up to `workers` sandboxed supervisors at once, and returns the events in exercise order with the counts.
    /// `progress(done, total)` is called (from worker threads) as programs are judged.
    public func events(count: Int, seed: UInt64, runner: SelfCheckingProgramRunner, workers: Int = 2,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) -> ([TelemetryEvent], Counts) {
        let exercises = (0..<count).map { Self.exercise(seed: seed, index: $0) }
        // One sample per (exercise, body): the solution first, then the variants; the tests judge from a
        // process of their own, so a body cannot be accepted by forging.
        let programs = exercises.flatMap { ex in [ex.judgedSample(body: ex.solution)] + ex.brokenVariants.map { ex.judgedSample(body: $0) } }
        return events(exercises, verdicts: Self.runAll(programs, runner: runner, workers: workers, progress: progress), seed: seed)
    }

    /// The events of `exercises` given the sandbox's verdict on each program, in the order `events(count:…)`
    /// runs them (each exercise's solution, then its broken variants). A solution becomes an `accepted` event
    /// only when it passed; a variant becomes a `rejected` event only when it failed or timed out. `error` and
    /// `sandbox_error` verdicts say the program could not be judged (`verifierErrors`).
    func events(_ exercises: [Exercise], verdicts: [(status: SampleStatus, detail: String)], seed: UInt64) -> ([TelemetryEvent], Counts) {
        var results: [[(status: SampleStatus, detail: String)]] = []
        var next = 0
        for ex in exercises {
            let n = 1 + ex.brokenVariants.count
            results.append(Array(verdicts[next..<(next + n)]))
            next += n
        }
        func unjudged(_ status: SampleStatus) -> Bool { status == .error || status == .sandbox_error }

        var counts = Counts()
        var events: [TelemetryEvent] = []
        var rng = SplitMix64(seed: seed ^ 0x5EED_E4E7)
        var t = startEpoch
        let session = "exercise-session-" + rng.hex(12)
        for (i, ex) in exercises.enumerated() {
            counts.exercises += 1
            let r = results[i]
            if unjudged(r[0].status) { counts.verifierErrors += 1; counts.firstProblem = counts.firstProblem ?? r[0].detail; continue }
            guard r[0].status == .passed else {
                counts.failedSolutions += 1
                if counts.firstProblem == nil, r[0].status == .failed { counts.firstProblem = "\(ex.family): \(r[0].detail)" }
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
                switch r[v + 1].status {
                case .passed: counts.undetectedVariants += 1
                case .error, .sandbox_error: counts.verifierErrors += 1; counts.firstProblem = counts.firstProblem ?? r[v + 1].detail
                case .failed, .timeout:
                    events.append(event(body, .rejected, &rng))
                    counts.rejected += 1
                }
            }
        }
        return (events, counts)
    }

    /// Splits `programs` (split samples) into `workers` contiguous chunks run concurrently, one supervisor each; verdicts in input order.
    /// Programs judged per sandbox start when progress is reported (each worker's share runs in such batches).
    static let progressBatch = 32

    static func runAll(_ programs: [JudgedSample], runner: SelfCheckingProgramRunner, workers: Int,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) -> [(status: SampleStatus, detail: String)] {
        final class Box: @unchecked Sendable {
            var chunks: [[(status: SampleStatus, detail: String)]]
            var done = 0
            let lock = NSLock()
            init(_ n: Int) { chunks = Array(repeating: [], count: n) }
        }
        let w = max(1, min(workers, programs.count))
        let size = (programs.count + w - 1) / max(w, 1)
        let box = Box(w)
        DispatchQueue.concurrentPerform(iterations: w) { k in
            let lo = min(programs.count, k * size), hi = min(programs.count, lo + size)
            guard let progress else {
                let out = runner.run(Array(programs[lo..<hi]))
                box.lock.lock(); box.chunks[k] = out; box.lock.unlock()
                return
            }
            var out: [(status: SampleStatus, detail: String)] = []
            for start in stride(from: lo, to: hi, by: progressBatch) {
                out += runner.run(Array(programs[start..<min(hi, start + progressBatch)]))
                box.lock.lock(); box.done += min(hi, start + progressBatch) - start; let done = box.done; box.lock.unlock()
                progress(done, programs.count)
            }
            box.lock.lock(); box.chunks[k] = out; box.lock.unlock()
        }
        return box.chunks.flatMap { $0 }
    }
}
