import ArgumentParser
import FileFormats
import Foundation
import Sandbox

/// `arguments` with a negative number after a long option attached to it (`--temperature -1` →
/// `--temperature=-1`), so the option's own check answers ("must be ≥ 0") instead of the parser's
/// "Missing value", which reads `-1` as an unknown short flag. `-n -1` is handled by `-n`'s
/// unconditional parsing.
func attachingNegativeValues(_ arguments: [String]) -> [String] {
    var out: [String] = []
    for argument in arguments {
        if let last = out.last, last.hasPrefix("--"), last.count > 2, !last.contains("="),
           argument.count > 1, argument.hasPrefix("-"), Double(argument) != nil {
            out[out.count - 1] = last + "=" + argument
        } else {
            out.append(argument)
        }
    }
    return out
}

/// The one error path of the command line: every error a subcommand throws becomes one line
/// `codetune: PLACE: problem` on stderr and exit status 2 (docs/command-line.md, "Errors").
///
/// Subcommands throw `InputError` (place = file, flag or subcommand; problem in words) or let library
/// errors through; `ExitCode` passes unchanged (1 = a gate failed, 130/143 = stopped by a signal).
/// Foundation's file errors are reworded as "PATH: reason" so no error domain or Swift type name
/// reaches the user; swift-argument-parser's usage errors keep only their first line.
enum ErrorReport {
    /// The lines to print for `error` (one, or one per problem of an `InputErrors`), or nil when
    /// `error` is not a problem to report (an `ExitCode`, a help request).
    static func lines(for error: Error) -> [String]? {
        switch error {
        case is ExitCode: return nil
        case let e as InputError: return [prefixed(e.description)]
        case let e as InputErrors: return e.errors.map { prefixed($0.description) }
        case let e as SandboxError: return [prefixed("sandbox unavailable: \(e.description)")]
        case let e as DecodingError: return [prefixed(JSONLines.describe(e))]
        default: break
        }
        if let text = fileSystemProblem(error) { return [prefixed(text)] }
        let code = Codetune.exitCode(for: error)
        if code == .success { return nil }
        if code == .validationFailure { return [prefixed(usageProblem(Codetune.fullMessage(for: error)))] }
        return [prefixed(oneLine(Codetune.message(for: error)))]
    }

    /// `codetune: text` with the text on one line.
    static func prefixed(_ text: String) -> String { "codetune: " + oneLine(text) }

    /// Newlines and tabs folded into "; " and spaces, trailing space dropped.
    static func oneLine(_ text: String) -> String {
        let parts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return parts.joined(separator: "; ").replacingOccurrences(of: "\t", with: " ")
    }

    /// An argument-parser usage message reduced to "SUBCOMMAND: problem; see 'codetune SUBCOMMAND --help'".
    /// The parser's message is "Error: problem\nHelp: …\nUsage: …\n  See 'codetune eval --help' for more information.".
    static func usageProblem(_ message: String) -> String {
        let lines = message.split(whereSeparator: \.isNewline).map(String.init)
        var problem = lines.first ?? message
        if problem.hasPrefix("Error: ") { problem.removeFirst("Error: ".count) }
        guard let see = lines.first(where: { $0.contains("See '") }),
              let open = see.range(of: "See '"), let close = see[open.upperBound...].range(of: " --help'")
        else { return problem }
        let command = String(see[open.upperBound..<close.lowerBound])
        let place = command.split(separator: " ").dropFirst().joined(separator: " ")
        return (place.isEmpty ? "" : place + ": ") + problem + "; see '\(command) --help'"
    }

    /// "PATH: reason" for Foundation's file errors (`CocoaError` and POSIX errors), nil for others.
    static func fileSystemProblem(_ error: Error) -> String? {
        guard let reason = FileSystemReason.words(error) else { return nil }
        return (FileSystemReason.path(error).map { $0 + ": " } ?? "") + reason
    }
}
