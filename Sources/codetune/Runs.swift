import ArgumentParser
import Foundation
import FileFormats

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

    /// `url`, or an input error when it is missing or not a directory (so a mistyped path never reads as "no runs").
    func existingDirectory() throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runsDir, isDirectory: &isDirectory) else {
            throw InputError(file: runsDir, key: "--runs-dir", "no such directory")
        }
        guard isDirectory.boolValue else { throw InputError(file: runsDir, key: "--runs-dir", "not a directory") }
        return url
    }
}
