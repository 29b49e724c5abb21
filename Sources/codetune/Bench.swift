import ArgumentParser

/// `codetune bench …`: speed measurements.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (train, sample).",
        subcommands: [
            BenchTrain.self,
            BenchSample.self,
        ]
    )
}
