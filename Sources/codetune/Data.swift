import ArgumentParser

/// `codetune data ...`: datasets from recipes (`Datasets/*.yaml`).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Prepare and inspect datasets; validate, scrub, synthesize and decontaminate telemetry.",
        subcommands: [DataPrepare.self, DataInspect.self, DataValidateTelemetry.self, DataScrub.self, DataSynthTelemetry.self, DataDecontam.self, DataExercises.self]
    )
}
