import ArgumentParser

/// `codetune bench …`: speed measurements.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (eval, sample) and the telemetry scrubber (scrub).",
        subcommands: [
            BenchEval.self,
            BenchSample.self,
            BenchScrub.self,
        ]
    )
}
