import ArgumentParser
import Corpus
import FileFormats
import Foundation

/// `codetune data inspect DATASET.yaml|DIR [--top N] [--verify] [--json]`
struct DataInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a prepared dataset holds: documents, tokens, bytes per token, extensions, filter counts.",
        discussion: "Given a recipe, looks up its prepared dataset in the cache (it must have been prepared); given a directory, reads its manifest.json."
    )

    @Argument(help: "A dataset recipe (Datasets/NAME.yaml) or a prepared dataset directory.")
    var dataset: String

    @Option(help: "How many extensions to list.")
    var top = 10

    @Option(help: "Cache directory the recipe's dataset was prepared into (default: cache/ beside the recipe).")
    var cacheDir: String?

    @Flag(help: "Check every shard's SHA-256 against the manifest.")
    var verify = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() throws {
        let url = URL(fileURLWithPath: dataset)
        var directory = url
        var isDir: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue) {
            let recipe = try DatasetRecipe.load(url)
            let location = try DatasetPreparation.locate(recipe, cacheDirectory: cacheDir.map { URL(fileURLWithPath: $0) })
            guard DatasetPreparation.cached(at: location.directory, key: location.key) != nil else {
                throw InputError(file: url.path, "not prepared for its current inputs (no \(location.directory.path)); run `codetune data prepare \(dataset)`")
            }
            directory = location.directory
        }
        let opened = try TokenDataset(directory: directory, verifyChecksums: verify)
        let summary = DatasetSummary(manifest: opened.manifest, directory: opened.directory, top: top)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
            if verify { print("verified    every shard's SHA-256 matches the manifest") }
        }
    }
}
