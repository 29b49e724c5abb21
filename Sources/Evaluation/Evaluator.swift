import Foundation

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
    public func probe() throws {
        let supervisor = SandboxSupervisor(configuration: sandbox)
        try supervisor.start()
        supervisor.stop()
    }

    /// Scores every sample. Results come back in input order; `completion_id` counts each task's
    /// samples in file order. `progress` is called (from worker threads) after each sample.
    public func score(_ samples: [Sample], problems: [Problem], progress: ((Int, Int) -> Void)? = nil) -> [SampleResult] {
        let byID = Dictionary(problems.map { ($0.task_id, $0) }, uniquingKeysWith: { a, _ in a })
        var counters: [String: Int] = [:]
        let completionIDs = samples.map { s -> Int in
            defer { counters[s.task_id, default: 0] += 1 }
            return counters[s.task_id, default: 0]
        }
        var results = [SampleResult?](repeating: nil, count: samples.count)
        let lock = NSLock()
        var next = 0
        var done = 0
        let group = DispatchGroup()
        let sandbox = self.sandbox
        for _ in 0..<min(workers, max(1, samples.count)) {
            group.enter()
            let thread = Thread {
                let supervisor = SandboxSupervisor(configuration: sandbox)
                defer { supervisor.stop(); group.leave() }
                while true {
                    lock.lock()
                    let i = next
                    next += 1
                    lock.unlock()
                    if i >= samples.count { return }
                    let sample = samples[i]
                    let result: SampleResult
                    if let problem = byID[sample.task_id] {
                        let outcome = supervisor.run(program: problem.program(completion: sample.completion), entryPoint: problem.entry_point)
                        result = SampleResult(task_id: sample.task_id, completion_id: completionIDs[i], status: outcome.status,
                                              detail: outcome.detail, duration_ms: outcome.durationMs)
                    } else {
                        result = SampleResult(task_id: sample.task_id, completion_id: completionIDs[i], status: .error,
                                              detail: "no such problem", duration_ms: 0)
                    }
                    lock.lock()
                    results[i] = result
                    done += 1
                    let finished = done
                    lock.unlock()
                    progress?(finished, samples.count)
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return results.map { $0! }
    }
}
