import ArgumentParser
import FileFormats
import Foundation
import Problems
import Telemetry

/// `codetune data decontam DATASET --suite SUITE.yaml`: n-gram overlap of training text with eval problems.
struct DataDecontam: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decontam",
        abstract: "Report 13-gram overlaps between a dataset and the prompts / canonical solutions of eval suites.",
        discussion: """
        Words are lower-cased runs of letters, digits and '_' (punctuation ignored), as in GPT-3's contamination study.
        DATASET: a dataset recipe (Datasets/NAME.yaml: its prepared shards decoded when the cache holds them, else its
        sources read and filtered as `data prepare` does), telemetry or other JSON lines, a text file, or a directory of files. --suite takes a suite YAML (its
        `problems:` file) or a problems .jsonl / .jsonl.gz directly. Exit 1 when a problem is contaminated, unless --allow-contaminated.
        """)

    @Argument(help: "Training data to check.") var dataset: String
    @Option(name: .customLong("suite"), help: "Eval suite YAML or problems file (repeatable).") var suites: [String]
    @Option(name: [.customLong("ngram"), .short], parsing: .unconditional, help: "n-gram length in words (-n is the older spelling).") var n = 13
    @Option(help: "Where a recipe's prepared dataset is kept (default: cache/ beside the recipe), as for `data prepare`.")
    var cacheDir: String?
    @Flag(help: "Exit 0 even when contaminated (report only).") var allowContaminated = false
    @Flag(help: "Print the report as one JSON object on stdout.") var json = false

    func validate() throws {
        if suites.isEmpty { throw ValidationError("give at least one --suite") }
        if n < 1 { throw ValidationError("--ngram (-n) must be at least 1, not \(n)") }
    }

    func run() throws {
        let overlaps = try Decontamination.report(dataset: URL(fileURLWithPath: dataset), suites: suites.map { URL(fileURLWithPath: $0) }, n: n,
                                                  cacheDirectory: cacheDir.map { URL(fileURLWithPath: $0) })
        let bad = overlaps.filter(\.contaminated)
        let unchecked = overlaps.filter { $0.promptNgrams + $0.solutionNgrams == 0 }.count
        let shortSolutions = overlaps.filter { $0.solutionNgrams == 0 }.count
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            let rows = try JSONSerialization.jsonObject(with: enc.encode(overlaps))
            let o: [String: Any] = ["dataset": dataset, "n": n, "problems": overlaps.count, "contaminated": bad.count,
                                    "too_short": unchecked, "short_solutions": shortSolutions, "overlaps": rows]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(dataset): \(overlaps.count) problems checked with \(n)-grams; \(bad.count) contaminated, \(unchecked) too short to check"
                  + " (\(shortSolutions) canonical solutions under \(n) words)")
            for o in bad {
                print("  \(o.taskID): prompt \(o.promptMatched)/\(o.promptNgrams), solution \(o.solutionMatched)/\(o.solutionNgrams) n-grams found (first at \(o.firstMatch ?? "?"))")
            }
        }
        if !bad.isEmpty && !allowContaminated { throw ExitCode(1) }
    }
}
