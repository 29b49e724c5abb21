import ArgumentParser
import FileFormats
import Foundation
import RunStore

/// `codetune runs plot RUN... --out FILE.svg`: a metric against tokens seen, one colour per run.
struct RunsPlot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Train and validation loss (or another metric) against tokens, as SVG.")

    @OptionGroup var runs: RunsDirOption
    @Argument(help: "Runs to plot.") var references: [String]
    @Option(name: .long, help: "loss (train and validation), lr, grad_norm, tokens_per_s, mfu, or pass@K (periodic evals).") var metric = "loss"
    @Option(name: .long, help: "SVG file to write.") var out: String

    func validate() throws {
        if references.isEmpty { throw ValidationError("give at least one run to plot") }
    }

    func run() throws {
        let catalog = RunCatalog(runsDir: runs.url)
        let summaries = try references.map { try RunSummary(directory: try catalog.resolve($0)) }
        let plot = try LossPlot(runs: summaries, metric: metric)
        try AtomicFile.write(plot.svg(), to: URL(fileURLWithPath: out))
        printError("wrote \(out)")
    }
}
