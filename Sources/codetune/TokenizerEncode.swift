import ArgumentParser
import FileFormats
import Foundation
import Tokenizer

/// `codetune tokenizer encode --tokenizer tokenizer.json [--text T | FILE...] [--decode] [--bench]`
struct TokenizerEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text to token ids (one line of space-separated ids per input), or decode ids.",
        discussion: """
        With --decode the input holds ids (separated by spaces, commas or newlines) and the text is printed. \
        With --bench nothing is printed but the encoding speed: MB/s on one thread and on --threads threads \
        over the inputs (files are read first; the inputs are encoded --repeat times).
        """
    )

    @Option(help: "A tokenizer.json (written by codetune or the Hugging Face tokenizers library).")
    var tokenizer: String

    @Option(help: "Text to encode (instead of files).")
    var text: String?

    @Argument(help: "Files to encode (or, with --decode, files of ids).")
    var files: [String] = []

    @Flag(help: "Decode ids to text instead of encoding.")
    var decode = false

    @Flag(help: "Measure encoding speed instead of printing ids.")
    var bench = false

    @Option(help: "With --bench: passes over the inputs.")
    var `repeat` = 3

    @Option(help: "With --bench: threads for the batch measurement.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "With --bench: print one JSON object.")
    var json = false

    func validate() throws {
        if (text == nil) == files.isEmpty { throw ValidationError("give either --text or files") }
        if `repeat` < 1 || threads < 1 { throw ValidationError("--repeat and --threads must be at least 1") }
    }

    func run() throws {
        let tok = try BPETokenizer(contentsOf: URL(fileURLWithPath: tokenizer))
        var inputs: [(name: String, text: String)] = []
        if let text { inputs.append(("--text", text)) }
        for f in files {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: f)) } catch { throw InputError.cannotRead(URL(fileURLWithPath: f), error) }
            guard let s = String(data: data, encoding: .utf8) else { throw InputError(file: f, "not UTF-8 text") }
            inputs.append((f, s))
        }
        if bench { return try runBench(tok, texts: inputs.map(\.text)) }
        for input in inputs {
            if decode {
                var ids: [Int32] = []
                for (i, field) in input.text.split(whereSeparator: { $0 == " " || $0 == "," || $0.isNewline }).enumerated() {
                    guard let id = Int32(field), id >= 0, Int(id) < tok.vocabularySize else {
                        throw InputError(file: input.name, key: "id \(i + 1)", "\(field) is not a token id below \(tok.vocabularySize)")
                    }
                    ids.append(id)
                }
                FileHandle.standardOutput.write(Data(tok.decodeBytes(ids)))
            } else {
                print(tok.encode(input.text).map(String.init).joined(separator: " "))
            }
        }
    }

    private func runBench(_ tok: BPETokenizer, texts: [String]) throws {
        let single = EncodingBenchmark.measure(tok, texts: texts, threads: 1, passes: `repeat`)
        let batch = EncodingBenchmark.measure(tok, texts: texts, threads: threads, passes: `repeat`)
        if json {
            let object: [String: Any] = [
                "bytes": single.bytes, "tokens": single.tokens, "passes": `repeat`,
                "mb_per_s_1_thread": single.megabytesPerSecond,
                "mb_per_s_batch": batch.megabytesPerSecond, "threads": threads,
                "bytes_per_token": Double(single.bytes) / Double(max(single.tokens, 1)),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%.2f MB, %d tokens (%.2f bytes/token): %.2f MB/s on 1 thread, %.2f MB/s on %d threads",
                         Double(single.bytes) / 1e6, single.tokens, Double(single.bytes) / Double(max(single.tokens, 1)),
                         single.megabytesPerSecond, batch.megabytesPerSecond, threads))
        }
    }
}
