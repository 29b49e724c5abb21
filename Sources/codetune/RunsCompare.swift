import ArgumentParser
import Foundation
import RunStore

/// `codetune runs compare RUN RUN...`: changed config, then metrics with deltas against the first run.
/// With `--fail-if-worse METRIC[:TOL]` exits 1 when a later run is worse than the first.
struct RunsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Config differences and metrics side by side, with deltas against the first run.",
        discussion: """
        METRIC for --fail-if-worse is a row key (val_loss, pretrain.val_loss, basic-python.pass@1),
        pass@K@SUITE, or a bare name for every whole-run row with it (pass@1). Loss, duration: lower is
        better; pass@k, tokens_per_s: higher is better. TOLERANCE is absolute (0.02) or relative to the
        first run (5%).

        pass@k rows show a 95% percentile bootstrap interval over problems and the number of problems.
        When both runs' summaries hold per-problem values, the delta is paired over the problems both
        scored, with its 95% paired bootstrap interval and the p-value of a two-sided sign-flip
        permutation test; * marks p < --significance. Such a row fails --fail-if-worse only when the
        paired drop is larger than TOLERANCE and significant.
        """)

    @OptionGroup var runs: RunsDirOption
    @Argument(help: "Runs to compare; the first is the baseline.") var references: [String]
    @Flag(name: .long, help: "Show every config key, not just those that differ.") var all = false
    @Flag(name: .long, help: "One JSON object on stdout.") var json = false
    @Flag(name: .long, help: "Markdown tables.") var md = false
    @Flag(name: .long, help: "CSV.") var csv = false
    @Option(name: .long, help: "METRIC[:TOLERANCE]: exit 1 when a later run is worse than the first by more than TOLERANCE.")
    var failIfWorse: [String] = []
    @Option(name: .long, help: "Level below which a paired p-value counts as significant (0 < LEVEL < 1).")
    var significance: Double = 0.05

    func validate() throws {
        if !(significance > 0 && significance < 1) {
            throw ValidationError("--significance must be between 0 and 1 (exclusive), found \(significance)")
        }
        if references.count < 2 { throw ValidationError("give at least two runs to compare") }
        if [json, md, csv].filter({ $0 }).count > 1 { throw ValidationError("choose one of --json, --md, --csv") }
    }

    func run() throws {
        let catalog = RunCatalog(runsDir: runs.url)
        let summaries = try references.map { try RunSummary(directory: try catalog.resolve($0)) }
        let comparison = try RunComparison(runs: summaries, significance: significance)
        let gates = try failIfWorse.map { try RegressionGate(parsing: $0) }
        let findings = try gates.flatMap { try $0.check(comparison) }
        let format: ComparisonReport.Format = json ? .json : md ? .markdown : csv ? .csv : .plain
        print(try ComparisonReport(comparison, allConfig: all, findings: findings).render(format), terminator: "")
        for f in findings where f.worse || !json { printError("gate \(f.description)") }
        if findings.contains(where: \.worse) { throw ExitCode(1) }
    }
}
