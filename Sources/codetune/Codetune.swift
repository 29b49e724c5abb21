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

    /// Parses and runs, mapping input problems to one line on stderr and exit status 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withStatusFor: error)
        }
    }

    static func exit(withStatusFor error: Error) -> Never {
        switch error {
        case let e as InputError:
            printError(e.description)
            Foundation.exit(2)
        case let e as InputErrors:
            printError(e.description)
            Foundation.exit(2)
        default:
            let code = exitCode(for: error)
            if code == .validationFailure {
                // ArgumentParser's usage errors (64) map to the project's "bad usage" status.
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            Codetune.exit(withError: error)
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
}
