import ArgumentParser
import Evaluation
import FileFormats
import Foundation
import Problems
import Sandbox

/// `codetune bench eval [--json]`: sandboxed scoring throughput on terminating HumanEval samples.
struct BenchEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Samples per second of sandboxed scoring (canonical HumanEval solutions)."
    )

    @Option(help: "Problems file (default: HumanEval, found as for `problems: humaneval`).")
    var problems: String?

    @OptionGroup var sandboxing: SandboxOptions

    @Option(help: "Times each problem's canonical solution is scored.")
    var repeats: Int = 2

    @Option(help: "Also time the official evaluator: a script taking SAMPLES PROBLEMS WORKERS that prints {\"samples_per_s\": …} last (e.g. ../shared/bench/humaneval_reference.sh with REF_PYTHON set).")
    var reference: String?

    @Flag(help: "One JSON object on stdout.")
    var json = false

    func run() throws {
        let path = try problems ?? HumanEvalLocation.resolve(explicit: nil, suiteFile: FileManager.default.currentDirectoryPath + "/Evals/humaneval.yaml")
        var result: EvalBenchmark.Result
        let workers = sandboxing.workers ?? ProcessInfo.processInfo.activeProcessorCount
        do {
            result = try EvalBenchmark.run(problemsFile: URL(fileURLWithPath: path), repeats: max(1, repeats),
                                           workers: workers, mode: sandboxing.sandbox)
        } catch let error as SandboxError {
            throw sandboxUnavailable(error, mode: sandboxing.sandbox, command: "bench eval")
        }
        if let reference {
            let rate = try EvalBenchmark.runReference(script: reference, problemsFile: URL(fileURLWithPath: path),
                                                      repeats: max(1, repeats), workers: workers)
            result.reference_samples_per_s = rate
            result.speedup = rate > 0 ? result.samples_per_s / rate : nil
        }
        if json {
            print(String(decoding: try result.json(), as: UTF8.self))
        } else {
            print("\(result.samples) samples, \(result.workers) workers, sandbox \(result.sandbox): \(String(format: "%.1f", result.samples_per_s)) samples/s (\(String(format: "%.2f", result.wall_s)) s; \(result.passed) passed)")
            if let rate = result.reference_samples_per_s, let speedup = result.speedup {
                print("official evaluator: \(String(format: "%.1f", rate)) samples/s; speedup \(String(format: "%.2f", speedup))x")
            }
        }
    }
}
