import Corpus
import FileFormats
import Foundation
import Problems
import Tokenizer

extension Decontamination {
    /// Where a recipe's training text came from.
    public enum RecipeText: Equatable, Sendable {
        /// The prepared dataset in the cache: its token shards decoded with its own `tokenizer.json`.
        case preparedShards(URL)
        /// The recipe's sources, read and filtered as `data prepare` does (the dataset is not prepared yet).
        case sources
    }

    /// Feeds every document of the dataset recipe at `url` (`Datasets/NAME.yaml`) to `index`: the prepared
    /// dataset when the cache holds it for this recipe (exactly the text training reads: the shards keep no
    /// text, so they are decoded and cut at `<|endoftext|>`), else the recipe's sources collected, filtered and
    /// deduplicated as `prepare` would (the same documents; the cache key is their content). Both splits.
    /// `cacheDirectory` as `prepare`'s (default: `cache/` beside the recipe).
    @discardableResult
    public static func scanRecipe(_ url: URL, cacheDirectory: URL? = nil, into index: inout ContaminationIndex) throws -> RecipeText {
        let recipe = try DatasetRecipe.load(url)
        let location = try DatasetPreparation.locate(recipe, cacheDirectory: cacheDirectory)
        if DatasetPreparation.cached(at: location.directory, key: location.key) != nil {
            try scanPreparedDataset(location.directory, into: &index)
            return .preparedShards(location.directory)
        }
        let documents = DocumentCollector(recipe: recipe).collect(location.plan)
        for (name, store) in [("train", documents.train), ("validation", documents.validation)] {
            store.forEach { i, bytes in
                let root = location.plan.sources[Int(store.sourceIndex[i])].root
                index.scan(String(decoding: bytes, as: UTF8.self), place: "\(root) (\(name) document \(i + 1))")
            }
        }
        return .sources
    }

    /// Decodes every split of the prepared dataset at `directory` with its `tokenizer.json` and scans each
    /// document (documents end at `<|endoftext|>` and may run across shards). Places: `DIR (split document N)`.
    public static func scanPreparedDataset(_ directory: URL, into index: inout ContaminationIndex) throws {
        let dataset = try TokenDataset(directory: directory)
        let tokenizer = try BPETokenizer(contentsOf: dataset.tokenizerURL)
        guard let end = tokenizer.id(ofSpecial: BPETokenizer.endOfText) else {
            throw InputError(file: dataset.tokenizerURL.path, "has no \(BPETokenizer.endOfText) token")
        }
        for name in dataset.manifest.splits.keys.sorted() {
            var ids: [Int32] = []
            var count = 0
            func flush() {
                guard !ids.isEmpty else { return }
                count += 1
                index.scan(String(decoding: tokenizer.decodeBytes(ids), as: UTF8.self), place: "\(directory.path) (\(name) document \(count))")
                ids.removeAll(keepingCapacity: true)
            }
            for shard in try dataset.split(name).shards {
                for t in 0..<shard.count {
                    let id = shard[t]
                    if id == end { flush() } else { ids.append(id) }
                }
            }
            flush()
        }
    }
}
