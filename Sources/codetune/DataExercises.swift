import ArgumentParser

/// `codetune data exercises ...`: the exercise curriculum (generated, verified problems and mined functions).
struct DataExercises: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercises",
        abstract: "Generate verified exercise problems, or mine docstring → body pairs from public code.",
        subcommands: [DataExercisesGenerate.self, DataExercisesMine.self])
}
