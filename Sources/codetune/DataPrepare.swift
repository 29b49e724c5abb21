import ArgumentParser
import Corpus
import FileFormats
import Foundation

/// `codetune data prepare DATASET.yaml [--strict] [--force] [--cache-dir DIR] [--json]`
struct DataPrepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Build a dataset's token shards from its recipe, or find them in the cache.",
        discussion: """
        Reads the recipe's sources (directories, files, archives read entry by entry, the local Python \
        standard library), filters and deduplicates them, splits by content hash, trains or loads the \
        tokenizer and writes token shards plus manifest.json into <cache>/<name>-<hash>/. The hash covers \
        the resolved recipe, every input's path, size and modification time, and the tokenizer, so a \
        second prepare of unchanged inputs is a cache hit that reads nothing. Problems with inputs \
        (corrupt archives, zip bombs, symlink loops, unreadable or non-UTF-8 files) are reported on \
        stderr and skipped; --strict makes any of them fail with exit status 2.
        """
    )

    @Argument(help: "The dataset recipe (Datasets/NAME.yaml).")
    var recipe: String

    @Flag(help: "Fail (exit 2) on any input problem instead of skipping it.")
    var strict = false

    @Flag(help: "Rebuild even when the cache holds this dataset.")
    var force = false

    @Option(help: "Where datasets are kept (default: cache/ beside the recipe).")
    var cacheDir: String?

    @Option(help: "Threads for tokenizer training and encoding.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print one JSON object on stdout instead of the summary.")
    var json = false

    @Flag(help: "No progress or warnings on stderr (progress shows only when stderr is a terminal).")
    var quiet = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let recipe = try DatasetRecipe.load(URL(fileURLWithPath: self.recipe))
        var warnings = 0
        let maxWarnings = 50
        let quiet = self.quiet
        // Progress is for a person watching a terminal; logs and pipes get the warnings and the result only.
        let line = quiet || json ? nil : TerminalProgress.standardError()
        let options = DatasetPreparation.Options(
            cacheDirectory: cacheDir.map { URL(fileURLWithPath: $0) }, strict: strict, force: force, threads: threads,
            onIssue: { issue in
                warnings += 1
                if quiet { return }
                if warnings <= maxWarnings + 1 { line?.finish() }
                if warnings <= maxWarnings { printError("warning: \(issue) (skipped)") }
                else if warnings == maxWarnings + 1 { printError("warning: more problems follow; all are listed in manifest.json") }
            },
            progress: { event in
                guard let line else { return }
                switch event {
                case .planned(let inputs, let directory, let hit):
                    printError("\(recipe.name): \(inputs) inputs -> \(directory.path)\(hit ? " (cache hit)" : "")")
                    if !hit { line.show("reading, filtering and deduplicating \(inputs) inputs …") }
                case .collected(let report, let issues):
                    line.show("read \(report.documentsSeen) documents (\(String(format: "%.1f", Double(report.bytesSeen) / 1e6)) MB), kept \(report.documentsKept), \(issues) input problems")
                    line.finish()
                    line.show("tokenizer …")
                case .tokenizerReady(let vocab, let trained, let seconds):
                    line.show("tokenizer: vocabulary \(vocab), \(trained ? "trained" : "loaded") in \(String(format: "%.1f", seconds)) s")
                    line.finish()
                    line.show("encoding …")
                case .encoded(let split, let documents, let tokens, let seconds):
                    line.show("\(split): \(documents) documents, \(tokens) tokens in \(String(format: "%.1f", seconds)) s")
                    line.finish()
                }
            })
        let prepared = try DatasetPreparation.prepare(recipe, options: options)
        let m = prepared.manifest
        if json {
            let object: [String: Any] = [
                "name": m.name, "directory": prepared.directory.path, "cache_hit": prepared.cacheHit, "cache_key": m.cacheKey,
                "documents": m.documents, "tokens": m.tokens, "bytes": m.bytes, "bytes_per_token": m.bytesPerToken,
                "train_tokens": m.splits["train"]?.tokens ?? 0, "validation_tokens": m.splits["validation"]?.tokens ?? 0,
                "issues": m.issues.count, "prepare_seconds": m.prepareSeconds,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let how = prepared.cacheHit ? "cache hit" : String(format: "built in %.1f s", m.prepareSeconds)
            print("\(m.name): \(m.documents) documents, \(m.tokens) tokens (train \(m.splits["train"]?.tokens ?? 0), "
                  + "validation \(m.splits["validation"]?.tokens ?? 0)), \(String(format: "%.2f", m.bytesPerToken)) bytes/token, "
                  + "\(m.issues.count) input problems -> \(prepared.directory.path) (\(how))")
        }
    }
}
