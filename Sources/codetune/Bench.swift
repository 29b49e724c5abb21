import ArgumentParser

/// `codetune bench …`: speed measurements.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (train, sample, sampling, eval) and the telemetry scrubber (scrub).",
        subcommands: [
            BenchTrain.self,
            BenchSample.self,
            BenchSampling.self,
            BenchEval.self,
            BenchScrub.self,
        ]
    )
}
