import ArgumentParser
import Foundation
import RunStore

/// `codetune runs list`: one row per run, oldest first.
struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "One row per run: status, tokens, losses, best pass@k.")

    @OptionGroup var runs: RunsDirOption
    @Option(name: .long, help: "Only runs with this name.") var name: String?
    @Flag(name: .long, help: "One JSON object on stdout.") var json = false

    func run() throws {
        let summaries = try RunCatalog(runsDir: runs.existingDirectory()).runs()
            .filter { name == nil || $0.url.deletingLastPathComponent().lastPathComponent == name }
            .map { try RunSummary(directory: $0) }
        let table = RunListing.table(summaries)
        if json {
            let rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0)) }
            let data = try JSONSerialization.data(withJSONObject: ["runs": rows], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if summaries.isEmpty {
            print("no runs under \(runs.url.path)")
        } else {
            print(table.plain(), terminator: "")
        }
    }
}
