// DecodingBenchmark: latency of a whole completion request (prefill + greedy decoding with a KV cache).

import Autograd
import Foundation
import SeededRandom

/// Latency of one editor-style completion request on a freshly initialised model, as
/// `../shared/bench/torch_sample_reference.py` measures `transformers` generate: batch 1, a random
/// `promptLength`-token prompt, `newTokens` greedy tokens with a KV cache. One request is timed whole
/// (prefill + every decoding step + the argmax of each step's logits); warm-up requests are not counted.
public enum DecodingBenchmark {
    public struct Options: Sendable {
        public var config: MistralConfig = .reference
        public var promptLength = 128
        public var newTokens = 64
        /// Timed requests (at least 20 give a meaningful p95).
        public var runs = 30
        public var warmupRuns = 3
        /// Worker threads for the kernels (`Parallel.setThreads`).
        public var threads = 2
        /// Let OpenBLAS thread every product itself, sgemv included (`Parallel.setThreads`).
        public var blasThreadsItself = false
        public var seed: UInt64 = 0
        /// The arithmetic of the decoder's projections (`MistralModel.setDecodePrecision`).
        public var precision: MatmulPrecision = .fp32

        public init() {}
    }

    /// One benchmark's figures. Field names are the `--json` keys; times in milliseconds.
    public struct Result: Codable, Sendable {
        public var vocab, hidden, layers, heads, kv_heads, mlp: Int
        public var prompt_tokens, new_tokens, runs, warmup_runs, threads: Int
        public var blas_threads_itself: Bool
        /// The decoder's projection arithmetic ("fp32" or "bf16").
        public var precision: String
        public var request_ms_p50, request_ms_p95, request_ms_min, request_ms_max: Double
        public var prefill_ms_p50: Double
        public var token_ms_p50, token_ms_p95: Double
        /// New tokens per second of the median request (newTokens / p50).
        public var tokens_per_s: Double
        /// Hex digest-like fingerprint of the generated ids (equal across runs and thread counts).
        public var generated_checksum: String
        public var peak_rss_bytes: Int
        public var openblas_coretype: String?
    }

    public static func run(_ o: Options) throws -> Result {
        precondition(o.promptLength > 0 && o.newTokens > 0 && o.runs > 0 && o.warmupRuns >= 0, "DecodingBenchmark: bad options")
        Parallel.setThreads(o.threads, blasThreadsItself: o.blasThreadsItself)
        var config = o.config
        config.maxPositionEmbeddings = max(config.maxPositionEmbeddings, o.promptLength + o.newTokens)
        var rng = SeededGenerator(seed: o.seed)
        let model = MistralModel(config: config, generator: &rng)
        model.setDecodePrecision(o.precision)
        let prompt = (0..<o.promptLength).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
        let cache = KVCache(config: config, batch: 1, capacity: o.promptLength + o.newTokens)
        var generated = [Int32](repeating: 0, count: o.newTokens)
        var requests: [Double] = [], prefills: [Double] = [], tokenTimes: [Double] = []
        var checksum: UInt64 = 0
        for round in 0..<(o.warmupRuns + o.runs) {
            let counted = round >= o.warmupRuns
            cache.reset()
            let start = DispatchTime.now().uptimeNanoseconds
            var logits = try model.advance(cache, ids: prompt, length: prompt.count)
            let afterPrefill = DispatchTime.now().uptimeNanoseconds
            var last = afterPrefill
            for i in 0..<o.newTokens {
                let next = Int32(argmax(logits))
                generated[i] = next
                if i + 1 < o.newTokens { logits = try model.advance(cache, ids: [next], length: 1) }
                let now = DispatchTime.now().uptimeNanoseconds
                if counted && i + 1 < o.newTokens { tokenTimes.append(Double(now - last) * 1e-6) }
                last = now
            }
            guard counted else { continue }
            requests.append(Double(last - start) * 1e-6)
            prefills.append(Double(afterPrefill - start) * 1e-6)
            checksum = generated.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64(UInt32(bitPattern: $1))) &* 1_099_511_628_211 }
        }
        let p50 = percentile(requests, 0.5)
        return Result(
            vocab: config.vocabSize, hidden: config.hiddenSize, layers: config.numHiddenLayers,
            heads: config.numAttentionHeads, kv_heads: config.numKeyValueHeads, mlp: config.intermediateSize,
            prompt_tokens: o.promptLength, new_tokens: o.newTokens, runs: o.runs, warmup_runs: o.warmupRuns,
            threads: Parallel.workers, blas_threads_itself: Parallel.blasThreadsItself,
            precision: model.decodePrecision.rawValue, request_ms_p50: p50, request_ms_p95: percentile(requests, 0.95),
            request_ms_min: requests.min() ?? 0, request_ms_max: requests.max() ?? 0,
            prefill_ms_p50: percentile(prefills, 0.5), token_ms_p50: percentile(tokenTimes, 0.5),
            token_ms_p95: percentile(tokenTimes, 0.95), tokens_per_s: Double(o.newTokens) / (p50 / 1000),
            generated_checksum: String(checksum, radix: 16), peak_rss_bytes: ProcessMemory.peakResidentBytes,
            openblas_coretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    /// Index of the largest value (the first one on ties), as greedy decoding picks.
    static func argmax(_ xs: UnsafeBufferPointer<Float>) -> Int {
        InferenceKernels.argmax(xs.baseAddress!, count: xs.count)
    }

    /// The q-quantile (0…1) of `xs` by the nearest-rank method: the smallest value with at least
    /// q·n values at or below it.
    static func percentile(_ xs: [Double], _ q: Double) -> Double {
        guard !xs.isEmpty else { return 0 }
        let sorted = xs.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
