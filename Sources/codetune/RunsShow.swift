import ArgumentParser
import Foundation
import RunStore

/// `codetune runs show RUN`: record, stages, evals, checkpoints and resolved config of one run.
struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A run's summary and resolved config.")

    @OptionGroup var runs: RunsDirOption
    @Argument(help: "Run directory, run id (or unique prefix) or run name (its latest run).") var reference: String

    func run() throws {
        let dir = try RunCatalog(runsDir: runs.url).resolve(reference)
        print(try RunListing.show(try RunSummary(directory: dir)), terminator: "")
    }
}
