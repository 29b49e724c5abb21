import ArgumentParser

/// `codetune eval …`: score a suite (`eval SUITE …`, the default `score`) or join shards (`eval merge`).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score an eval suite in the sandbox (exit 1 when a threshold is missed), or merge its shards.",
        subcommands: [Eval.self, EvalMergeCommand.self],
        defaultSubcommand: Eval.self
    )
}
