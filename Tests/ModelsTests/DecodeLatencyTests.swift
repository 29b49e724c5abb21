import Autograd
import Foundation
import Models
import SeededRandom
import XCTest

/// A rough latency reading of KV-cache decoding on the reference shape of docs/benchmarks.md (hidden 256, 4 layers,
/// vocab 4096): prefill 128 prompt tokens, then 64 greedy tokens, repeated. Only meaningful in release
/// on a quiet machine, so it runs only when `CODETUNE_LATENCY=1`:
///     CODETUNE_LATENCY=1 swift test -c release --filter DecodeLatencyTests
/// The benchmark of record is `codetune bench sample`.
final class DecodeLatencyTests: XCTestCase {
    func testReferenceShapeDecodeLatency() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["CODETUNE_LATENCY"] == "1", "set CODETUNE_LATENCY=1")
        if let threads = ProcessInfo.processInfo.environment["CODETUNE_THREADS"].flatMap(Int.init) { Parallel.setThreads(threads) }
        defer { Parallel.setThreads(2) }
        let config = MistralConfig.reference
        var rng = SeededGenerator(seed: 1)
        let model = MistralModel(config: config, generator: &rng)
        let prompt = (0..<128).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
        let cache = KVCache(config: config, batch: 1, capacity: 192)
        var requests: [Double] = [], prefills: [Double] = [], tokens: [Double] = []
        for round in 0..<12 {
            cache.reset()
            let start = DispatchTime.now().uptimeNanoseconds
            var logits = try model.advance(cache, ids: prompt, length: prompt.count)
            prefills.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            for _ in 0..<64 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                var best = 0
                for j in 1..<logits.count where logits[j] > logits[best] { best = j }
                logits = try model.advance(cache, ids: [Int32(best)], length: 1)
                tokens.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            if round >= 2 { requests.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }  // 2 warm-up rounds
        }
        func p(_ xs: [Double], _ q: Double) -> Double { let s = xs.sorted(); return s[min(s.count - 1, Int(Double(s.count) * q))] }
        print(String(format: "decode latency (rough, %d threads): prefill 128 p50 %.2f ms; per token p50 %.3f ms p95 %.3f ms; request (128+64) p50 %.1f ms p95 %.1f ms",
                     Parallel.workers, p(prefills, 0.5), p(tokens, 0.5), p(tokens, 0.95), p(requests, 0.5), p(requests, 0.95)))
    }
}
