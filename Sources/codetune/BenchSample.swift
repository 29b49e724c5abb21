import ArgumentParser
import Autograd
import Foundation
import Models

/// `codetune bench sample [--json]`: latency of a whole completion request with a KV cache.
struct BenchSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Completion latency: prompt prefill + greedy tokens with a KV cache, batch 1.",
        discussion: """
            Each request (prefill of --prompt-tokens random tokens, then --new-tokens greedy tokens) is timed \
            whole; p50 and p95 are over --runs requests after --warmup. Compare with \
            ../shared/bench/torch_sample_reference.py in the same sitting.
            """)

    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Prompt tokens (default: 128).") var promptTokens: Int?
    @Option(help: "New tokens per request (default: 64).") var newTokens: Int?
    /// The spellings before --prompt-tokens and --new-tokens, kept for older scripts; not shown in help.
    @Option(name: .customLong("prompt"), help: .private) var promptAlias: Int?
    @Option(name: .customLong("new"), help: .private) var newAlias: Int?
    @Option(help: "Timed requests.") var runs = 30
    @Option(help: "Untimed requests first.") var warmup = 3
    @Option(help: "Worker threads.") var threads = 2
    @Flag(name: .customLong("blas-threads"), help: "Let OpenBLAS thread every product itself, one-row products too.")
    var blasThreads = false
    @Option(help: "Seed of the weights and the prompt.") var seed: UInt64 = 0
    @Option(help: "Decoder projection arithmetic: fp32, bf16 (bf16 weights) or auto.") var precision = PrecisionSetting.fp32
    @Flag(help: "One JSON object on stdout.") var json = false

    var prompt: Int { promptTokens ?? promptAlias ?? 128 }
    /// Most positions (prompt + new tokens) a benchmark request may have.
    static let maxPositions = 32768
    var new: Int { newTokens ?? newAlias ?? 64 }

    func validate() throws {
        try rejectBothSpellings(promptTokens, promptAlias, "--prompt-tokens", "--prompt")
        try rejectBothSpellings(newTokens, newAlias, "--new-tokens", "--new")
        guard prompt > 0, new > 0, runs > 0, warmup >= 0, threads > 0 else {
            throw ValidationError("--prompt-tokens, --new-tokens, --runs and --threads must be positive, --warmup non-negative")
        }
        // Prefill attention grows with the square of the prompt: past this a single request takes minutes.
        if prompt > BenchSample.maxPositions - new {
            throw ValidationError("--prompt-tokens \(prompt) + --new-tokens \(new) is more than \(BenchSample.maxPositions) positions; "
                                  + "a request that long takes minutes (prefill attention grows with the square of the prompt)")
        }
    }

    func run() throws {
        var o = DecodingBenchmark.Options()
        o.config = try shape.config(positions: prompt + new)
        let config = o.config
        try MemoryEstimate.requireFits("--prompt-tokens", value: prompt, for: "the model and a KV cache of \(prompt + new) positions") {
            MemoryEstimate.sampling(config, n: 1, positions: $0 + new)
        }
        o.promptLength = prompt; o.newTokens = new; o.runs = runs; o.warmupRuns = warmup
        o.threads = threads; o.seed = seed; o.blasThreadsItself = blasThreads
        if let note = precision.fallbackNote { printError(note) }
        o.precision = precision.resolved
        let r = try DecodingBenchmark.run(o)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(r), as: UTF8.self))
            return
        }
        print("shape: vocab \(r.vocab), hidden \(r.hidden), \(r.layers) layers, \(r.heads) heads, \(r.kv_heads) kv heads, MLP \(r.mlp); \(r.precision) weights; batch 1, prompt \(r.prompt_tokens), \(r.new_tokens) new tokens, greedy")
        print(String(format: "request p50 %.2f ms, p95 %.2f ms (min %.2f, max %.2f; %d runs after %d warm-up, %d threads",
                     r.request_ms_p50, r.request_ms_p95, r.request_ms_min, r.request_ms_max, r.runs, r.warmup_runs, r.threads)
              + (r.blas_threads_itself ? ", OpenBLAS-threaded)" : ")"))
        print(String(format: "prefill p50 %.2f ms; per token p50 %.3f ms, p95 %.3f ms; %.0f tokens/s",
                     r.prefill_ms_p50, r.token_ms_p50, r.token_ms_p95, r.tokens_per_s))
        print(String(format: "peak RSS %.1f MiB; ", Double(r.peak_rss_bytes) / 1_048_576)
              + "generated ids checksum \(r.generated_checksum); OPENBLAS_CORETYPE \(r.openblas_coretype ?? "unset")")
    }
}
