import Foundation

/// Encoding throughput, for `codetune tokenizer encode --bench`.
public enum EncodingBenchmark {
    public struct Result: Sendable {
        /// UTF-8 bytes in one pass over the texts.
        public var bytes: Int
        /// Tokens in one pass.
        public var tokens: Int
        /// Best pass, seconds.
        public var seconds: Double
        public var megabytesPerSecond: Double { Double(bytes) / 1e6 / max(seconds, 1e-9) }
    }

    /// Encodes `texts` `passes` times with `encodeBatch` on `threads` threads (fresh word caches each pass)
    /// and keeps the fastest pass.
    public static func measure(_ tokenizer: BPETokenizer, texts: [String], threads: Int, passes: Int) -> Result {
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        var best = Double.infinity
        var tokens = 0
        for _ in 0..<max(1, passes) {
            let start = DispatchTime.now().uptimeNanoseconds
            let ids = tokenizer.encodeBatch(texts, threads: threads)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            tokens = ids.reduce(0) { $0 + $1.count }
        }
        return Result(bytes: bytes, tokens: tokens, seconds: best)
    }
}
