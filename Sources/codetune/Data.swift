import ArgumentParser

/// `codetune data ...`: datasets from recipes (`Datasets/*.yaml`).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare and inspect datasets.",
        subcommands: [DataPrepare.self, DataInspect.self]
    )
}
