import FileFormats
import Foundation

/// A prepared dataset directory opened for reading: its manifest and memory-mapped shards.
public struct TokenDataset: Sendable {
    public let directory: URL
    public let manifest: DatasetManifest

    /// Opens `directory` (it must hold `manifest.json`). With `verifyChecksums`, every shard's
    /// SHA-256 is checked against the manifest (reads every byte once).
    public init(directory: URL, verifyChecksums: Bool = false) throws {
        self.directory = directory.standardizedFileURL
        manifest = try DatasetManifest.read(directory: directory)
        if verifyChecksums {
            for name in manifest.splits.keys.sorted() { _ = try split(name, verifyChecksums: true) }
        }
    }

    /// The tokenizer that encoded the shards (`tokenizer.json` inside the directory).
    public var tokenizerURL: URL { directory.appendingPathComponent(manifest.tokenizer.file) }

    /// The shards of `name` (`train` or `validation`), mapped.
    public func split(_ name: String, verifyChecksums: Bool = false) throws -> TokenSplit {
        guard let info = manifest.splits[name] else {
            throw InputError(file: directory.appendingPathComponent(DatasetManifest.fileName).path, key: "splits",
                             "no split '\(name)' (has \(manifest.splits.keys.sorted().joined(separator: ", ")))")
        }
        var shards: [MappedTokenShard] = []
        for s in info.shards {
            let shard = try MappedTokenShard(url: directory.appendingPathComponent(s.file), dtype: manifest.tokenDtype, expectedTokens: s.tokens)
            if verifyChecksums, shard.sha256() != s.sha256 {
                throw InputError(file: shard.url.path, "SHA-256 does not match the manifest: the shard was changed or damaged")
            }
            shards.append(shard)
        }
        return TokenSplit(name: name, shards: shards)
    }
}

/// A split's token stream as mapped shards, cut into windows of `T + 1` tokens.
///
/// Windows never cross a shard boundary: shard `s` of `n` tokens gives `(n - 1) / T`
/// windows, window `j` covering tokens `j·T ... j·T + T` (input the first `T`, target the
/// last `T`), so consecutive windows share one token and at most `T` tokens per shard go unused.
public final class TokenSplit: @unchecked Sendable {
    public let name: String
    public let shards: [MappedTokenShard]

    public init(name: String, shards: [MappedTokenShard]) {
        self.name = name
        self.shards = shards
    }

    public var tokenCount: Int { shards.reduce(0) { $0 + $1.count } }

    /// Number of windows of context length `T` (T ≥ 1).
    public func windowCount(contextLength T: Int) -> Int {
        shards.reduce(0) { $0 + max(0, ($1.count - 1) / T) }
    }

    /// Maps window indices to shards for one context length.
    struct WindowIndex {
        /// `starts[s]` is the first global window index of shard `s`; one extra entry at the end.
        var starts: [Int]

        init(_ split: TokenSplit, contextLength T: Int) {
            starts = [0]
            for shard in split.shards { starts.append(starts.last! + max(0, (shard.count - 1) / T)) }
        }

        var count: Int { starts.last! }

        /// (shard, first token) of window `w` (0 ..< count).
        func locate(_ w: Int, contextLength T: Int) -> (Int, Int) {
            var lo = 0, hi = starts.count - 2
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= w { lo = mid } else { hi = mid - 1 }
            }
            return (lo, (w - starts[lo]) * T)
        }
    }

    /// Copies window `w` into `inputs[0..<T]` and `targets[0..<T]`.
    func copyWindow(_ w: Int, index: WindowIndex, contextLength T: Int,
                    inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) {
        let (s, start) = index.locate(w, contextLength: T)
        shards[s].copy(from: start, count: T, to: inputs)
        shards[s].copy(from: start + 1, count: T, to: targets)
    }
}

/// A batch of windows, row-major `[rows, columns]` Int32 token ids; `targets` is `inputs`
/// shifted left by one token.
public struct TokenBatch: Sendable, Equatable {
    public var inputs: [Int32]
    public var targets: [Int32]
    /// B (the last validation batch may have fewer rows than the batch size).
    public var rows: Int
    /// T, the context length.
    public var columns: Int
}
