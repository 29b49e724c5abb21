import FileFormats
import Foundation
import Tokenizer

/// What `DatasetPreparation.prepare` reports while it works. The callback may throw to stop
/// the preparation; nothing is left behind then.
public enum PreparationProgress: Sendable {
    /// Inputs found, before any content is read; `directory` is where the dataset lives.
    case planned(inputs: Int, directory: URL, cacheHit: Bool)
    /// Sources read, filtered, deduplicated and split.
    case collected(FilterReport, issues: Int)
    /// Tokenizer trained from the train split (or loaded), with its vocabulary size.
    case tokenizerReady(vocabSize: Int, trained: Bool, seconds: Double)
    /// One split's shards written (the manifest not yet).
    case encoded(split: String, documents: Int, tokens: Int, seconds: Double)
}

/// A dataset on disk, ready to open with `TokenDataset(directory:)`.
public struct PreparedDataset: Sendable {
    public var directory: URL
    public var manifest: DatasetManifest
    /// True when the cache already held it and no work was done.
    public var cacheHit: Bool
}

/// Turns a recipe into token shards in its content-addressed cache directory
/// (`<cache>/<name>-<first 16 hex of the key>/`), or finds them there.
public enum DatasetPreparation {
    public struct Options {
        /// Where datasets are kept; nil means `cache/` beside the recipe (`Datasets/cache/`).
        public var cacheDirectory: URL?
        /// Any source issue (corrupt archive, zip bomb, symlink loop, unreadable or non-UTF-8
        /// file) fails the preparation with all of them, instead of skipping the input.
        public var strict: Bool
        /// Rebuild even when the cache holds the dataset.
        public var force: Bool
        /// Threads for tokenizer training and encoding.
        public var threads: Int
        /// Sees each source issue as it is found.
        public var onIssue: ((SourceIssue) -> Void)?
        public var progress: ((PreparationProgress) throws -> Void)?

        public init(cacheDirectory: URL? = nil, strict: Bool = false, force: Bool = false,
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    onIssue: ((SourceIssue) -> Void)? = nil, progress: ((PreparationProgress) throws -> Void)? = nil) {
            self.cacheDirectory = cacheDirectory
            self.strict = strict
            self.force = force
            self.threads = threads
            self.onIssue = onIssue
            self.progress = progress
        }
    }

    /// The recipe's inputs, cache key and directory, found without reading any content.
    public struct Location: Sendable {
        public var plan: SourcePlan
        public var key: String
        public var directory: URL
    }

    public static func defaultCacheDirectory(for recipe: DatasetRecipe) -> URL {
        recipe.file.deletingLastPathComponent().appendingPathComponent("cache")
    }

    /// Resolves the sources and computes where the dataset lives.
    public static func locate(_ recipe: DatasetRecipe, cacheDirectory: URL? = nil) throws -> Location {
        let plan = try SourcePlan.make(recipe)
        let tokenizerIdentity: String
        switch recipe.tokenizer {
        case .file(let url):
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw InputError(file: recipe.file.path, key: "tokenizer.path", "\(url.path) does not exist")
            }
            tokenizerIdentity = "file content_hash=\(try BPETokenizer(modelAt: url).contentHash)"
        case .train(let vocabSize):
            tokenizerIdentity = "train byte-level-bpe vocab_size=\(vocabSize) specials=\(BPETokenizer.defaultSpecialTokens.joined(separator: ","))"
        }
        let key = DatasetCacheKey.key(recipe: recipe, plan: plan, tokenizer: tokenizerIdentity)
        let root = cacheDirectory ?? defaultCacheDirectory(for: recipe)
        return Location(plan: plan, key: key, directory: root.appendingPathComponent("\(recipe.name)-\(key.prefix(16))", isDirectory: true))
    }

    /// The dataset at `directory` when it is whole and built for `key`, else nil.
    public static func cached(at directory: URL, key: String) -> DatasetManifest? {
        guard let manifest = try? DatasetManifest.read(directory: directory), manifest.cacheKey == key else { return nil }
        let width = manifest.tokenDtype.byteWidth
        for split in manifest.splits.values {
            for shard in split.shards {
                let attrs = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(shard.file).path)
                guard let size = attrs?[.size] as? Int, size == shard.tokens * width else { return nil }
            }
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(manifest.tokenizer.file).path) else { return nil }
        return manifest
    }

    /// Builds the dataset of `recipe`, or returns it from the cache without reading any source.
    public static func prepare(_ recipe: DatasetRecipe, options: Options = Options()) throws -> PreparedDataset {
        let clock = ContinuousClock()
        let started = clock.now
        let location = try locate(recipe, cacheDirectory: options.cacheDirectory)
        if !options.force, let manifest = cached(at: location.directory, key: location.key) {
            if options.strict, !manifest.issues.isEmpty {
                throw InputErrors(manifest.issues.map(\.inputError))
            }
            try options.progress?(.planned(inputs: inputCount(location.plan), directory: location.directory, cacheHit: true))
            return PreparedDataset(directory: location.directory, manifest: manifest, cacheHit: true)
        }
        try options.progress?(.planned(inputs: inputCount(location.plan), directory: location.directory, cacheHit: false))

        let collected = DocumentCollector(recipe: recipe, onIssue: options.strict ? nil : options.onIssue).collect(location.plan)
        if options.strict, !collected.issues.isEmpty {
            throw InputErrors(collected.issues.map(\.inputError))
        }
        try options.progress?(.collected(collected.report, issues: collected.issues.count))
        guard collected.train.count + collected.validation.count > 0 else {
            throw InputError(file: recipe.file.path, "no documents left: \(collected.report.documentsSeen) seen, all filtered out or unreadable")
        }
        guard collected.train.count > 0 else {
            throw InputError(file: recipe.file.path, key: "split.validation_fraction", "every document landed in the validation split")
        }

        let tokenizerStart = clock.now
        let tokenizer: BPETokenizer
        var trained = true
        switch recipe.tokenizer {
        case .file(let url):
            tokenizer = try BPETokenizer(modelAt: url)
            trained = false
        case .train(let vocabSize):
            let train = collected.train
            tokenizer = BPETokenizer.train(documents: (0..<train.count).lazy.map { train.text($0) },
                                           vocabSize: vocabSize, threads: options.threads)
        }
        guard let eot = tokenizer.id(ofSpecial: BPETokenizer.endOfText) else {
            throw InputError(file: recipe.file.path, key: "tokenizer", "the tokenizer has no \(BPETokenizer.endOfText) token to join documents with")
        }
        try options.progress?(.tokenizerReady(vocabSize: tokenizer.vocabularySize, trained: trained,
                                              seconds: seconds(clock.now - tokenizerStart)))

        removeAbandonedTemporaries(of: location.directory)
        var manifest: DatasetManifest?
        try AtomicFile.writeDirectory(location.directory) { tmp in
            let tokenizerURL = tmp.appendingPathComponent("tokenizer.json")
            // Written in the tokenizer's own form, so the file's SHA-256 is `tokenizer.contentHash`.
            try tokenizer.write(to: tokenizerURL)
            let dtype = TokenDType.forVocabulary(tokenizer.vocabularySize)
            var extensions: [String: DatasetManifest.ExtensionCount] = [:]
            var splits: [String: SplitInfo] = [:]
            for (name, store) in [("train", collected.train), ("validation", collected.validation)] {
                let splitStart = clock.now
                var writer = TokenShardWriter(directory: tmp, prefix: name, dtype: dtype, shardTokens: recipe.shardTokens, endOfText: eot)
                try encode(store, tokenizer: tokenizer, threads: options.threads) { i, ids in
                    try writer.append(document: ids)
                    let ext = store.extensions[i]
                    extensions[ext, default: .init(documents: 0, bytes: 0, tokens: 0)].documents += 1
                    extensions[ext, default: .init(documents: 0, bytes: 0, tokens: 0)].bytes += store.range(i).count
                    extensions[ext, default: .init(documents: 0, bytes: 0, tokens: 0)].tokens += ids.count + 1
                }
                let shards = try writer.finish()
                splits[name] = SplitInfo(documents: store.count, tokens: writer.tokens, bytes: store.bytes.count, shards: shards)
                try options.progress?(.encoded(split: name, documents: store.count, tokens: writer.tokens, seconds: seconds(clock.now - splitStart)))
            }
            let sources = location.plan.sources.enumerated().map { i, s in
                DatasetManifest.Source(kind: s.kind, path: s.root, detail: s.detail, inputs: s.items.count,
                                       documents: collected.perSource[i].documents, bytes: collected.perSource[i].bytes)
            }
            let issueLog = SourceIssueLog()
            for issue in collected.issues { issueLog.report(issue) }
            let m = DatasetManifest(
                format: DatasetManifest.currentFormat, name: recipe.name, cacheKey: location.key,
                sourceIdentity: DatasetCacheKey.sourceIdentity, recipe: recipe.file.path,
                createdAt: ISO8601DateFormatter().string(from: Date()), prepareSeconds: seconds(clock.now - started),
                tokenizer: .init(file: "tokenizer.json", sha256: tokenizer.contentHash,
                                 vocabSize: tokenizer.vocabularySize, endOfTextId: Int(eot), trained: trained),
                tokenDtype: dtype, separator: BPETokenizer.endOfText,
                split: .init(method: "sha256(content)[0..<8] / 2^64 < validation_fraction", validationFraction: recipe.validationFraction),
                sources: sources, documents: collected.train.count + collected.validation.count,
                tokens: splits.values.reduce(0) { $0 + $1.tokens }, bytes: collected.report.bytesKept,
                splits: splits, extensions: extensions, filters: collected.report,
                issueCounts: issueLog.counts, issues: collected.issues)
            // The manifest goes last: a directory without one is not a dataset.
            try AtomicFile.write(try m.encoded(), to: tmp.appendingPathComponent(DatasetManifest.fileName))
            manifest = m
        }
        guard let manifest else { throw InputError(file: location.directory.path, "dataset was not written") }
        return PreparedDataset(directory: location.directory, manifest: manifest, cacheHit: false)
    }

    /// Encodes every document of `store` on `threads` threads, in blocks, and hands the ids to
    /// `body` in document order.
    static func encode(_ store: DocumentStore, tokenizer: BPETokenizer, threads: Int,
                       _ body: (Int, [Int32]) throws -> Void) throws {
        let workers = max(1, threads)
        let encoders = (0..<workers).map { _ in tokenizer.makeEncoder() }
        let block = 64 * workers
        var start = 0
        var results = [[Int32]](repeating: [], count: block)
        while start < store.count {
            let end = min(store.count, start + block)
            let n = end - start
            let first = start
            store.bytes.withUnsafeBufferPointer { all in
                results.withUnsafeMutableBufferPointer { out in
                    // Worker w uses only encoders[w] and writes only the results of documents i ≡ w (mod workers);
                    // the bytes are read-only while the workers run.
                    nonisolated(unsafe) let all = all, outBase = out.baseAddress!, encoders = encoders
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var i = w
                        while i < n {
                            var ids: [Int32] = []
                            encoders[w].encode(utf8: UnsafeBufferPointer(rebasing: all[store.range(first + i)]), into: &ids)
                            (outBase + i).pointee = ids
                            i += workers
                        }
                    }
                }
            }
            for i in 0..<n { try body(start + i, results[i]) }
            start = end
        }
    }

    /// Removes temporary directories of `directory` left by a preparation that was killed
    /// (`.NAME.tmp-PID-N` whose process no longer runs).
    static func removeAbandonedTemporaries(of directory: URL) {
        let parent = directory.deletingLastPathComponent()
        let prefix = ".\(directory.lastPathComponent).tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? ""), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
    }

    static func inputCount(_ plan: SourcePlan) -> Int { plan.sources.reduce(0) { $0 + $1.items.count } }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
