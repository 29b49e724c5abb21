import ArgumentParser
import Autograd
import Evaluation
import Foundation

/// `codetune bench sampling [--json]`: batched KV-cache sampling throughput (as `eval --model` samples) on a random model of the reference shape.
struct BenchSampling: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sampling",
        abstract: "Tokens per second of KV-cache sampling (reference shape, random weights).",
        discussion: "Vocabulary 4096, hidden 256, 4 layers, 8 heads, 4 kv heads, MLP 768, context 256. Each -n value: one prefill, then n samples of exactly --new-tokens tokens; best of --repeats."
    )

    @Option(name: .short, parsing: .upToNextOption, help: "Samples decoded together (one or more values).")
    var n: [Int] = [1, 10]

    @Option(help: "Prompt tokens.")
    var promptTokens: Int = 64

    @Option(help: "New tokens per sample.")
    var newTokens: Int = 128

    @OptionGroup var decoding: DecodingOptions

    @Option(help: "Threads (default: number of cores).")
    var threads: Int?

    @Option(help: "Timed runs after one warm-up; the fastest is kept.")
    var repeats: Int = 3

    @Flag(help: "One JSON object on stdout.")
    var json = false

    func validate() throws {
        if n.isEmpty || n.contains(where: { $0 < 1 }) { throw ValidationError("-n values must be at least 1") }
        if promptTokens < 1 || newTokens < 1 || repeats < 1 { throw ValidationError("--prompt-tokens, --new-tokens and --repeats must be at least 1") }
    }

    func run() throws {
        if let threads { Parallel.setThreads(threads) }
        let settings = decoding.applied(to: SamplingBenchmark.defaultSettings)
        var results: [SamplingBenchmark.Result] = []
        for count in n {
            let r = try SamplingBenchmark.run(n: count, promptTokens: promptTokens, newTokens: newTokens,
                                              decoding: settings, repeats: repeats)
            results.append(r)
            if !json {
                print(String(format: "n %3d: %7.1f tokens/s, %6.2f samples/s (%d prompt + %d new tokens each, %.3f s, %d threads)",
                             r.n, r.tokens_per_s, r.samples_per_s, r.prompt_tokens, r.new_tokens, r.seconds, r.threads))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(["sampling": results]), as: UTF8.self))
        }
    }
}
