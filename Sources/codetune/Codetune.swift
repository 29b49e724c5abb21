import ArgumentParser
import FileFormats
import Foundation

/// `codetune`: train, evaluate and compare small code models. Exit status: 0 success,
/// 1 the work ran and a gate failed, 2 bad usage, config or input.
@main
struct Codetune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codetune",
        abstract: "Train, evaluate and compare small code models on the CPU.",
        subcommands: [
            Train.self,
            Runs.self,
            Export.self,
            TokenizerCommand.self,
            ModelCommand.self,
            DataCommand.self,
            EvalCommand.self,
            SampleCommand.self,
            Bench.self,
        ]
    )

    /// Parses and runs; every error goes through `ErrorReport`: one line `codetune: PLACE: problem` on stderr
    /// and exit status 2, except an `ExitCode` (passed through) and a help request (printed, status 0).
    static func main() {
        do {
            var command = try parseAsRoot(attachingNegativeValues(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exit(withStatusFor: error)
        }
    }

    static func exit(withStatusFor error: Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        guard let lines = ErrorReport.lines(for: error) else { Codetune.exit(withError: error) }
        for line in lines { printError(line) }
        Foundation.exit(2)
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
}
