import ArgumentParser
import FileFormats
import Foundation
import Telemetry
import Tokenizer

/// `codetune data validate-telemetry FILE…`: checks every line against the event format.
struct DataValidateTelemetry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-telemetry",
        abstract: "Check telemetry JSON lines (plain, gzip/xz/zstd, or .jsonl entries of an archive) against the event format.",
        discussion: "Every bad line is listed on stderr as FILE:LINE: reason. Exit 0 unless --strict and a line is bad (exit 2).",
        aliases: ["validate"])

    @Argument(help: "Telemetry files.")
    var files: [String]

    @Flag(help: "Exit 2 when any line is bad.")
    var strict = false

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    @Option(help: "List at most this many bad lines (all are counted).")
    var maxErrors = 1000

    @Option(help: "Also build stage-2 examples with this tokenizer.json and print what they hold.")
    var tokenizer: String?

    @Option(help: "Context length for --tokenizer.")
    var contextLength = 256

    func validate() throws {
        if maxErrors < 0 { throw ValidationError("--max-errors must be 0 or more, not \(maxErrors)") }
        // The same range as a stage's `context` key: a completion example needs a prompt token and a target.
        if !(2...(1 << 20)).contains(contextLength) {
            throw ValidationError("--context-length must be between 2 and \(1 << 20), not \(contextLength)")
        }
        if contextLength != 256 && tokenizer == nil { throw ValidationError("--context-length needs --tokenizer") }
    }

    func run() throws {
        var totalBad = 0
        var summaries: [[String: Any]] = []
        for file in files {
            let url = URL(fileURLWithPath: file)
            var v = TelemetryValidator()
            v.maxKeptErrors = maxErrors
            try TelemetryLineReader.forEachLine(in: url, nonUTF8: { v.reject(file: $0, lineNumber: $1, "not UTF-8 text") }) { place, n, line in
                _ = v.check(line: line, lineNumber: n, file: place)
            }
            for e in v.errors { printError(e.description) }
            if v.badLines > v.errors.count { printError("\(file): \(v.badLines - v.errors.count) more bad lines not listed") }
            totalBad += v.badLines
            let counts = TelemetryOutcome.allCases.map { ($0.rawValue, v.countsByOutcome[$0] ?? 0) }
            if json {
                var s: [String: Any] = ["file": file, "good": v.goodLines, "bad": v.badLines]
                for (k, c) in counts { s[k] = c }
                summaries.append(s)
            } else {
                print("\(file): \(v.goodLines + v.badLines) events, \(v.goodLines) good, \(v.badLines) bad; "
                      + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            }
        }
        if let tokenizer {
            let tok = try CompletionTokenizer(try BPETokenizer(contentsOf: URL(fileURLWithPath: tokenizer)), source: tokenizer)
            for (i, file) in files.enumerated() {
                let set = try CompletionExamples.load(from: URL(fileURLWithPath: file), tokenizer: tok, requireScrubbed: false, allowBadLines: true)
                let st = CompletionExampleStatistics(set, contextLength: contextLength, tokenizer: tok)
                if json {
                    // With --json the statistics join the file's entry: stdout stays one object.
                    summaries[i]["examples"] = ["examples": st.examples, "fim": st.fimExamples, "rejected_kept": st.rejectedKept,
                                                "empty_targets": st.emptyTargets, "context": contextLength, "target_tokens": st.targetTokens,
                                                "prompts_cut": st.promptsCut, "targets_cut": st.targetsCut, "padding_fraction": st.paddingFraction]
                    continue
                }
                print("\(file): \(st.examples) examples (\(st.fimExamples) FIM), \(st.rejectedKept) rejected kept, \(st.emptyTargets) empty targets; "
                      + "at context \(contextLength): \(st.targetTokens) target tokens, \(st.promptsCut) prompts cut, \(st.targetsCut) targets cut, "
                      + String(format: "%.0f%% padding", st.paddingFraction * 100))
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["files": summaries, "bad": totalBad], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        if strict && totalBad > 0 {
            throw InputError(file: files.joined(separator: " "), "\(totalBad) bad line\(totalBad == 1 ? "" : "s") (listed above); --strict refuses any")
        }
    }
}
