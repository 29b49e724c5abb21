import FileFormats
import Foundation

/// Throughput of sandboxed scoring on terminating samples: every problem's canonical solution,
/// `repeats` times, the same workload `../shared/bench/humaneval_reference.sh` gives the official evaluator.
public enum EvalBenchmark {
    public struct Result: Codable, Sendable {
        public var samples: Int
        public var passed: Int
        public var workers: Int
        public var sandbox: String
        public var wall_s: Double
        public var samples_per_s: Double
        /// Time to start the first sandbox (probe), excluded from the rate.
        public var probe_s: Double

        public func json() throws -> Data {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            return try e.encode(self)
        }
    }

    public static func run(problemsFile: URL, repeats: Int, workers: Int, mode: SandboxMode) throws -> Result {
        let problems = try ProblemFile.load(problemsFile)
        var samples: [Sample] = []
        for _ in 0..<repeats {
            for p in problems { samples.append(Sample(task_id: p.task_id, completion: p.canonical_solution ?? "")) }
        }
        let python = try PythonInterpreter.locate()
        let evaluator = Evaluator(sandbox: SandboxConfiguration(mode: mode, python: python, limits: SandboxLimits()), workers: workers)
        let probeStart = Date()
        try evaluator.probe()
        let probe = Date().timeIntervalSince(probeStart)
        let start = Date()
        let results = evaluator.score(samples, problems: problems)
        let wall = Date().timeIntervalSince(start)
        return Result(samples: samples.count, passed: results.filter { $0.status == .passed }.count, workers: workers,
                      sandbox: mode.rawValue, wall_s: wall, samples_per_s: Double(samples.count) / wall, probe_s: probe)
    }
}
