import FileFormats
import Foundation
import Problems
import Sandbox

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
        /// The official evaluator on the same samples and workers, when measured.
        public var reference_samples_per_s: Double?
        /// samples_per_s / reference_samples_per_s.
        public var speedup: Double?

        public func json() throws -> Data {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            return try e.encode(self)
        }
    }

    /// The benchmark's samples: every canonical solution, `repeats` times.
    public static func samples(_ problems: [Problem], repeats: Int) -> [Sample] {
        var samples: [Sample] = []
        for _ in 0..<repeats {
            for p in problems { samples.append(Sample(task_id: p.task_id, completion: p.canonical_solution ?? "")) }
        }
        return samples
    }

    /// Runs `/work/shared/bench/humaneval_reference.sh`-style `script SAMPLES PROBLEMS WORKERS` (the official
    /// evaluator) on the same samples and returns the samples/s it reports on its last line.
    public static func runReference(script: String, problemsFile: URL, repeats: Int, workers: Int) throws -> Double {
        let problems = try ProblemFile.load(problemsFile)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codetune-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("samples.jsonl")
        try samples(problems, repeats: repeats).map { try JSONLines.encodeLine($0) }.joined(separator: "\n").appending("\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, file.path, problemsFile.path, String(workers)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
              let rate = (object["samples_per_s"] as? NSNumber)?.doubleValue else {
            throw InputError(file: script, "the reference evaluator failed or printed no samples_per_s")
        }
        return rate
    }

    public static func run(problemsFile: URL, repeats: Int, workers: Int, mode: SandboxMode) throws -> Result {
        let problems = try ProblemFile.load(problemsFile)
        let samples = samples(problems, repeats: repeats)
        let python = try PythonInterpreter.locate()
        let evaluator = Evaluator(sandbox: SandboxConfiguration(mode: mode, python: python, limits: SandboxLimits()), workers: workers)
        let probeStart = Date()
        try evaluator.probe()
        let probe = Date().timeIntervalSince(probeStart)
        let start = Date()
        let results = evaluator.score(samples, problems: problems)
        let wall = Date().timeIntervalSince(start)
        return Result(samples: samples.count, passed: results.filter { $0.status == .passed }.count, workers: workers,
                      sandbox: mode.rawValue, wall_s: wall, samples_per_s: Double(samples.count) / wall, probe_s: probe,
                      reference_samples_per_s: nil, speedup: nil)
    }
}
