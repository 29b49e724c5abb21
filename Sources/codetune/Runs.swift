import ArgumentParser
import Foundation

/// `codetune runs`: read run histories under the runs directory.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show, compare and plot training runs.",
        subcommands: [RunsList.self, RunsShow.self, RunsCompare.self, RunsPlot.self]
    )
}

/// Where run histories live (`Runs/` by default, as in `codetune train`).
struct RunsDirOption: ParsableArguments {
    @Option(name: .long, help: "Directory holding run histories (RUNS/<name>/<run-id>/).")
    var runsDir: String = "Runs"

    var url: URL { URL(fileURLWithPath: runsDir) }
}
