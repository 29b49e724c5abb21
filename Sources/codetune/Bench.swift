import ArgumentParser

/// `codetune bench …`: speed measurements.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (eval) and the telemetry scrubber (scrub).",
        subcommands: [
            BenchEval.self,
            BenchScrub.self,
        ]
    )
}
