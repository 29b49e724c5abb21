import ArgumentParser
import FileFormats
import Foundation
import Tokenizer

/// `codetune tokenizer train --input PATH... [--vocab-size N] --out tokenizer.json`
struct TokenizerTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer on text files and write tokenizer.json.",
        discussion: """
        Inputs are files or directories (walked recursively; hidden entries skipped; files that are not \
        UTF-8 skipped and counted). Special tokens <|endoftext|> <fim_prefix> <fim_middle> <fim_suffix> \
        <|pad|> get ids 0-4, the 256 bytes ids 5-260, merges the rest. Timings go to stderr; --json prints \
        one JSON object on stdout.
        """
    )

    @Option(name: .customLong("input"), parsing: .upToNextOption, help: "Files or directories of text.")
    var inputs: [String]

    @Option(help: "Total vocabulary size: specials + 256 bytes + merges.")
    var vocabSize = 4096

    @Option(help: "Only read files with this extension from directories (repeatable, e.g. --extension py).")
    var `extension`: [String] = []

    @Option(help: "Skip directories with this name (repeatable, e.g. --exclude test --exclude site-packages).")
    var exclude: [String] = []

    @Option(help: "Never merge a pair seen fewer times than this.")
    var minFrequency: Int64 = 0

    @Option(help: "Threads for counting words.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Where to write tokenizer.json.")
    var out: String

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("--input needs at least one path") }
        if vocabSize < BPETokenizer.defaultSpecialTokens.count + 256 {
            throw ValidationError("--vocab-size must be at least \(BPETokenizer.defaultSpecialTokens.count + 256)")
        }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let files = try TextFiles(paths: inputs, extensions: self.extension, excludedDirectories: exclude)
        if files.files.isEmpty { throw InputError(file: inputs.joined(separator: " "), "no input files") }
        let start = Date()
        let counts = BPETokenizer.countWords(documents: files, threads: threads) { p in
            if !quiet, case let .counted(docs, bytes, _) = p {
                printError("counted \(docs) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB")
            }
        }
        if counts.bytesSeen == 0 || counts.count == 0 {
            throw InputError(file: inputs.joined(separator: " "), "no text to train on: \(files.files.count) files, "
                             + "\(files.skipped.urls.count) of them not readable UTF-8 text, the rest empty")
        }
        let counted = Date()
        let tokenizer = BPETokenizer.train(wordCounts: counts, vocabSize: vocabSize, minFrequency: minFrequency) { p in
            if !quiet, case let .merged(m, target) = p, m % 1024 == 0 || m == target { printError("merges \(m)/\(target)") }
        }
        let trained = Date()
        try tokenizer.write(to: URL(fileURLWithPath: out))
        let countSeconds = counted.timeIntervalSince(start), mergeSeconds = trained.timeIntervalSince(counted)
        let megabytes = Double(counts.bytesSeen) / 1e6
        for url in files.skipped.urls where !quiet { printError("\(url.path): skipped: not readable UTF-8 text") }
        let summary = String(format: "trained %d tokens (%d merges) on %d files, %.1f MB, %d distinct words: "
                             + "counting %.2f s (%.1f MB/s), merging %.2f s, total %.2f s -> %@",
                             tokenizer.vocabularySize, tokenizer.merges.count, files.files.count - files.skipped.urls.count,
                             megabytes, counts.count, countSeconds, megabytes / max(countSeconds, 1e-9), mergeSeconds,
                             countSeconds + mergeSeconds, out)
        if json {
            let object: [String: Any] = [
                "out": out, "vocab_size": tokenizer.vocabularySize, "merges": tokenizer.merges.count,
                "files": files.files.count - files.skipped.urls.count, "files_skipped": files.skipped.urls.count,
                "bytes": counts.bytesSeen, "distinct_words": counts.count, "count_seconds": countSeconds,
                "merge_seconds": mergeSeconds, "total_seconds": countSeconds + mergeSeconds,
                "threads": threads, "sha256": tokenizer.contentHash,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if !quiet {
            printError(summary)
        }
    }
}
