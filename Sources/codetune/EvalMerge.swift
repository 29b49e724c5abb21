import ArgumentParser
import Evaluation
import Foundation

/// `codetune eval merge OUT SHARD_DIR…`
struct EvalMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the output directories of `eval --shard I/N` into the reports of the whole suite.",
        discussion: """
        Writes samples.jsonl, results.jsonl, summary.json, junit.xml and summary.md to OUT, as one unsharded \
        run would. Exit status: 0 every threshold met, 1 a threshold missed, 2 the directories are not the \
        shards 0…N-1 of one eval.
        """)

    @Argument(help: "Directory for the merged reports.")
    var out: String

    @Argument(help: "The shards' output directories (each shard 0…N-1 exactly once).")
    var shards: [String]

    @Flag(help: "Print the merged summary as one JSON object on stdout.")
    var json = false

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shards' output directories after OUT") }
    }

    func run() throws {
        let summary = try EvalMerge.merge(shardDirectories: shards.map { URL(fileURLWithPath: $0) },
                                          into: URL(fileURLWithPath: out))
        if json {
            print(String(decoding: try summary.json(), as: UTF8.self), terminator: "")
        } else {
            Eval.printSummary(summary, out: URL(fileURLWithPath: out))
        }
        if summary.verdict == .fail { throw ExitCode(1) }
    }
}
