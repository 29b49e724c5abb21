import Corpus
import FileFormats
import Foundation
import Models

/// The data of every stage of a run, prepared before training starts (so a bad dataset fails
/// the run before any step), and the run's tokenizer.
///
/// `next_token` stages name a dataset recipe: it is built, or found in its content-addressed
/// cache, by `DatasetPreparation`. `completion` stages name a telemetry events file, turned into
/// prompt/completion examples with the run's tokenizer by `CompletionData`.
public struct StageDataSources {
    public var datasets: [Int: TokenDataset] = [:]
    /// The tokenizer every stage's tokens come from (`tokenizer.json`).
    public var tokenizer: URL?
    public var vocabularySize: Int?

    /// Replaces the default `CompletionData` for `completion` stages (tests, other example builders).
    public typealias CompletionDataBuilder = (_ stage: StageConfig, _ tokenizer: URL, _ seed: UInt64) throws -> StageData
    public var completionData: CompletionDataBuilder?

    /// Prepares every `next_token` dataset of `config` (reporting with `note`), and settles the tokenizer:
    /// the config's, else the `init_from` model's own (`RunTokenizer`), else the first dataset's. Every
    /// dataset must use that same tokenizer.
    public static func prepare(_ config: RunConfig, note: (String) -> Void = { _ in }) throws -> StageDataSources {
        var sources = StageDataSources()
        var tokenizerSHA: String?
        if let (url, sha) = try RunTokenizer.resolve(config) {
            sources.tokenizer = url
            tokenizerSHA = sha
        }
        for (i, stage) in config.stages.enumerated() where stage.objective == .nextToken {
            let recipe = try DatasetRecipe.load(stage.data)
            let started = Date()
            let prepared = try DatasetPreparation.prepare(recipe, options: .init(threads: config.threads))
            note("stage \(stage.name): dataset \(recipe.name) \(prepared.cacheHit ? "found in cache" : "prepared in \(Int(Date().timeIntervalSince(started)))s") at \(prepared.directory.path)")
            let dataset = try TokenDataset(directory: prepared.directory)
            let sha = dataset.manifest.tokenizer.sha256
            if let tokenizerSHA, tokenizerSHA != sha {
                throw InputError(file: config.file.path, key: "stages[\(i)].data",
                                 "dataset \(recipe.name) was encoded with a different tokenizer than the run's (\(config.tokenizer?.path ?? initFromPath(config) ?? sources.tokenizer?.path ?? "?")); stages must share one tokenizer (set the recipe's tokenizer: {path: …} to it)")
            }
            if sources.tokenizer == nil {
                sources.tokenizer = dataset.tokenizerURL
                tokenizerSHA = sha
            }
            sources.vocabularySize = max(sources.vocabularySize ?? 0, dataset.manifest.tokenizer.vocabSize)
            sources.datasets[i] = dataset
        }
        if sources.tokenizer == nil {
            throw InputError(file: config.file.path, key: "tokenizer", "no tokenizer: give `tokenizer:` or start with a next_token stage whose dataset has one")
        }
        return sources
    }

    static func initFromPath(_ config: RunConfig) -> String? {
        if case .initFrom(let url) = config.model { return url.path }
        return nil
    }

    /// The data of stage `index`, its order seeded from the run seed and the stage index.
    public func open(_ stage: StageConfig, index: Int, runSeed: UInt64) throws -> StageData {
        let seed = Trainer.stageSeed(runSeed, stage: index)
        switch stage.objective {
        case .nextToken:
            guard let dataset = datasets[index] else { throw InputError(key: "stages[\(index)]", "dataset not prepared") }
            return try TokenWindowData(dataset: dataset, context: stage.context, batchSize: stage.batchSize, seed: seed,
                                       maxValidationBatches: stage.valBatches)
        case .completion:
            guard let tokenizer else { throw InputError(key: "stages[\(index)]", "completion stages need the run's tokenizer") }
            if let completionData { return try completionData(stage, tokenizer, seed) }
            return try CompletionData(events: stage.data, tokenizer: tokenizer, context: stage.context, batchSize: stage.batchSize,
                                      seed: seed, maxValidationBatches: stage.valBatches)
        }
    }
}
