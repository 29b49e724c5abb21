import Foundation
import Problems
import Sandbox

/// Scores samples in the sandbox with parallel workers, each owning one sandboxed supervisor.
public struct Evaluator {
    public var sandbox: SandboxConfiguration
    /// Worker threads (each runs one sample at a time).
    public var workers: Int

    public init(sandbox: SandboxConfiguration, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.sandbox = sandbox
        self.workers = max(1, workers)
    }

    /// Starts one supervisor and throws `SandboxError` when the sandbox cannot run here, so callers
    /// can refuse before scoring anything.
    public func probe() throws { try sandbox.probe() }

    /// Scores every sample. Results come back in input order; `completion_id` counts each task's
    /// samples in file order. `progress` is called (from worker threads) after each sample.
    public func score(_ samples: [Sample], problems: [Problem], progress: (@Sendable (Int, Int) -> Void)? = nil) -> [SampleResult] {
        // `produce` does not throw here, so neither does `score(problems:expected:...)`.
        (try? score(problems: problems, expected: samples.count, progress: progress) { submit in
            for s in samples { submit(s) }
        }) ?? []
    }

    /// Scores samples while they are being made: the workers start at once and take each sample as soon
    /// as `produce` (run on the calling thread) submits it, so scoring overlaps generation.
    /// Results come back in submission order; `completion_id` counts each task's samples in that order.
    /// `expected` is only the total shown to `progress` (called from worker threads as (done, total)).
    /// When `produce` throws, the samples already submitted are still scored, then the error is rethrown.
    public func score(problems: [Problem], expected: Int, progress: (@Sendable (Int, Int) -> Void)? = nil,
                      produce: (_ submit: (Sample) -> Void) throws -> Void) throws -> [SampleResult] {
        let byID = Dictionary(problems.map { ($0.task_id, $0) }, uniquingKeysWith: { a, _ in a })
        let queue = ScoringQueue()
        let group = DispatchGroup()
        let sandbox = self.sandbox
        for _ in 0..<min(workers, max(1, expected)) {
            group.enter()
            let thread = Thread {
                let supervisor = SandboxSupervisor(configuration: sandbox)
                defer { supervisor.stop(); group.leave() }
                while let (i, sample, completionID) = queue.take() {
                    let result: SampleResult
                    if let problem = byID[sample.task_id] {
                        let outcome = supervisor.run(prompt: problem.prompt, completion: sample.completion, test: problem.test,
                                                     entryPoint: problem.entry_point)
                        result = SampleResult(task_id: sample.task_id, completion_id: completionID, status: outcome.status,
                                              detail: outcome.detail, duration_ms: outcome.durationMs)
                    } else {
                        result = SampleResult(task_id: sample.task_id, completion_id: completionID, status: .error,
                                              detail: "no such problem", duration_ms: 0)
                    }
                    let done = queue.store(result, at: i)
                    progress?(done.finished, max(expected, done.submitted))
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        var failure: Error?
        do { try produce(queue.submit) } catch { failure = error }
        queue.close()
        group.wait()
        if let failure { throw failure }
        return queue.finishedResults()
    }
}

/// Samples waiting to be scored and the results so far, shared by the producer and the workers; every
/// field is read and written under `condition`.
final class ScoringQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var samples: [Sample] = []
    private var completionIDs: [Int] = []
    private var counters: [String: Int] = [:]
    private var results: [SampleResult?] = []
    private var next = 0
    private var finished = 0
    private var closed = false

    func submit(_ sample: Sample) {
        condition.lock()
        completionIDs.append(counters[sample.task_id, default: 0])
        counters[sample.task_id, default: 0] += 1
        samples.append(sample)
        results.append(nil)
        condition.signal()
        condition.unlock()
    }

    /// No more samples: workers finish what is queued and return.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next sample to score (index, sample, completion id); nil once closed and drained.
    func take() -> (Int, Sample, Int)? {
        condition.lock()
        defer { condition.unlock() }
        while next >= samples.count && !closed { condition.wait() }
        guard next < samples.count else { return nil }
        let i = next
        next += 1
        return (i, samples[i], completionIDs[i])
    }

    func store(_ result: SampleResult, at i: Int) -> (finished: Int, submitted: Int) {
        condition.lock()
        defer { condition.unlock() }
        results[i] = result
        finished += 1
        return (finished, samples.count)
    }

    /// Every result, in submission order. Precondition: every submitted sample was stored.
    func finishedResults() -> [SampleResult] {
        condition.lock()
        defer { condition.unlock() }
        return results.map { $0! }
    }
}
