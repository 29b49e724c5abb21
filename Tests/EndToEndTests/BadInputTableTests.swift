import Foundation
import XCTest

/// One bad (or once-mishandled) invocation: the arguments (`@` + name is a fixture path), the exit status
/// it must give and a fragment its message must hold (`§` stands for the fixture directory + "/") (stderr for a failure, stdout + stderr otherwise).
struct BadInputCase {
    var arguments: [String]
    var status: Int32
    var fragment: String
    /// Also required absent from stdout + stderr (e.g. leaked file text).
    var absent: String?
    /// Error lines expected: 1, or one per problem when a pass finds several (a config, `--strict` inputs).
    var errorLines: Int

    init(_ arguments: [String], _ status: Int32, _ fragment: String, absent: String? = nil, errorLines: Int = 1) {
        self.arguments = arguments
        self.status = status
        self.fragment = fragment
        self.absent = absent
        self.errorLines = errorLines
    }
}

/// The bad-input contract, case by case over every subcommand (docs/command-line.md, "Errors"): exit status 2
/// with exactly one line `codetune: PLACE: problem` on stderr naming the problem, no Foundation error domain,
/// Swift type name, usage block or backtrace; and the cases issue 17 found answered wrongly now answered right.
/// Drives the binary in `CODETUNE_BIN` (skipped when unset).
final class BadInputTableTests: XCTestCase {
    static let cases: [BadInputCase] = [
        // Usage errors from the argument parser: one line, exit 2.
        .init(["frobnicate"], 2, "Unexpected argument 'frobnicate'"),
        .init(["train"], 2, "train: give a config file, or --resume RUN"),
        .init(["train", "--check"], 2, "--check needs a config file"),
        .init(["eval", "@s.yaml"], 2, "give exactly one of --model, --samples, --canonical"),
        .init(["eval", "@s.yaml", "--canonical", "-n", "-1"], 2, "-n must be at least 1"),
        .init(["eval", "@s.yaml", "--canonical", "--limit", "0"], 2, "--limit must be at least 1"),
        .init(["eval", "@s.yaml", "--samples", "@good-samples.jsonl", "--limit", "1"], 2, "--limit applies to --model and --canonical"),
        .init(["eval", "@s.yaml", "--samples", "@good-samples.jsonl", "--temperature", "0.5"], 2, "need --model"),
        .init(["eval", "@s.yaml", "--canonical", "--workers", "0"], 2, "--workers must be at least 1"),
        .init(["eval", "@s.yaml", "--canonical", "--sandbox", "docker"], 2, "sandbox"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "--temperature", "-1"], 2, "--temperature must be ≥ 0"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "-n", "-1"], 2, "-n must be at least 1"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "--top-p", "0"], 2, "--top-p must be in (0, 1]"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "--top-k", "-3"], 2, "--top-k must be ≥ 0"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "--max-new-tokens", "0"], 2, "--max-new-tokens must be at least 1"),
        .init(["sample", "--model", "@ck"], 2, "give exactly one of --prompt, --prompt-file"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "--stop", ""], 2, "--stop must not be empty"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "-n", "abc"], 2, "-n"),
        .init(["bench", "eval", "--workers", "0"], 2, "--workers must be at least 1"),
        .init(["bench", "train", "--context", "0"], 2, "must be positive"),
        .init(["bench", "train", "--steps", "-2"], 2, "must be positive"),
        .init(["bench", "sample", "--runs", "0"], 2, "must be positive"),
        .init(["bench", "sample", "--prompt-tokens", "100000"], 2, "more than 32768 positions"),
        .init(["bench", "sample", "--prompt-tokens", "8", "--prompt", "8"], 2, "not both"),
        .init(["bench", "sampling", "-n", "0"], 2, "-n values must be at least 1"),
        .init(["bench", "sampling", "--repeats", "0"], 2, "must be at least 1"),
        .init(["tokenizer", "train", "--out", "@t.json"], 2, "--input"),
        .init(["tokenizer", "train", "--input", "@corpus.txt", "--vocab-size", "10", "--out", "@t.json"], 2, "--vocab-size must be at least"),
        .init(["tokenizer", "train", "--input", "@corpus.txt", "--threads", "0", "--out", "@t.json"], 2, "--threads must be at least 1"),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json"], 2, "give either --text or files"),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json", "--text", "x", "--bench", "--repeat", "0"], 2, "--repeat and --threads"),
        .init(["data", "prepare", "@links.yaml", "--threads", "0"], 2, "--threads must be at least 1"),
        .init(["data", "decontam", "@tel.jsonl"], 2, "data decontam: Missing expected argument '--suite"),
        .init(["data", "decontam", "@tel.jsonl", "--suite", "@s.yaml", "--ngram", "0"], 2, "--ngram (-n) must be at least 1"),
        .init(["data", "decontam", "@tel.jsonl", "--suite", "@s.yaml", "-n", "-4"], 2, "--ngram (-n) must be at least 1"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--tokenizer", "@ck/tokenizer.json", "--context-length", "1"], 2, "--context-length must be between 2"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--tokenizer", "@ck/tokenizer.json", "--context-length", "0"], 2, "--context-length must be between 2"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--tokenizer", "@ck/tokenizer.json", "--context-length", "-1"], 2, "--context-length must be between 2"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--max-errors", "-1"], 2, "--max-errors must be 0 or more"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--sessions", "-1"], 2, "--sessions must be 0 or more"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--exercises", "-5"], 2, "--exercises must be 0 or more"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--workers", "0"], 2, "--workers must be at least 1"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--timeout", "0"], 2, "--timeout must be a positive number"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--max-files", "0"], 2, "--max-files must be at least 1"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--sessions", "0", "--exercises", "0"], 2, "nothing to write"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--sessions", "0", "--exercises", "1", "--python", "/nope"], 2, "--python"),
        .init(["runs", "plot", "--out", "@p.svg"], 2, "runs plot: Missing expected argument '<references> ...'"),

        // Missing, empty, unreadable and wrong-kind files: the path and the problem in words.
        .init(["eval", "@nowhere.yaml", "--canonical"], 2, "nowhere.yaml"),
        .init(["eval", "@bad.yaml", "--canonical"], 2, "bad.yaml"),
        .init(["eval", "@suite-no-problems.yaml", "--canonical"], 2, "nowhere.jsonl"),
        .init(["eval", "@suite-bad-k.yaml", "--canonical"], 2, "suite-bad-k.yaml"),
        .init(["eval", "@s1.yaml", "--samples", "@nowhere.jsonl"], 2, "nowhere.jsonl: no such file"),
        .init(["eval", "@s1.yaml", "--samples", "@adir"], 2, "adir: is a directory"),
        .init(["eval", "@s1.yaml", "--samples", "@array-samples.jsonl"], 2, "array-samples.jsonl:1: expected an object"),
        .init(["eval", "@s1.yaml", "--samples", "@broken-samples.jsonl"], 2, "broken-samples.jsonl:1: not valid JSON"),
        .init(["eval", "@s1.yaml", "--samples", "@nonutf8-samples.jsonl"], 2, "nonutf8-samples.jsonl:1: not UTF-8 text"),
        .init(["eval", "@s1.yaml", "--samples", "@unknown-task.jsonl"], 2, "'zz/9' is not a problem of the suite"),
        .init(["eval", "@s1.yaml", "--model", "@nowhere"], 2, "nowhere"),
        .init(["eval", "@s1.yaml", "--model", "@ck", "-n", "100000000", "--limit", "1"], 2, "-n 100000000 needs"),
        .init(["sample", "--model", "@ck", "--prompt", "x", "-n", "100000000"], 2, "in this machine's memory"),
        .init(["sample", "--model", "@ck", "--prompt-file", "@nowhere.txt"], 2, "nowhere.txt"),
        .init(["sample", "--model", "@adir", "--prompt", "x"], 2, "adir"),
        .init(["export", "--model", "@ck", "--out", "@afile/x"], 2, "afile"),
        .init(["export", "--model", "@ck", "--out", "@afile"], 2, "afile"),
        .init(["export", "--model", "@nowhere", "--out", "@exported"], 2, "nowhere"),
        .init(["tokenizer", "train", "--input", "@empty.txt", "--out", "@t.json"], 2, "no text to train on"),
        .init(["tokenizer", "train", "--input", "@nowhere.txt", "--out", "@t.json"], 2, "nowhere.txt"),
        .init(["tokenizer", "train", "--input", "@corpus.txt", "--vocab-size", "300", "--out", "@afile/t.json"], 2, "afile"),
        .init(["tokenizer", "encode", "--tokenizer", "@nowhere.json", "--text", "x"], 2, "nowhere.json"),
        .init(["tokenizer", "encode", "--tokenizer", "@adir", "--text", "x"], 2, "adir: cannot read: is a directory"),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json", "@adir"], 2, "adir: cannot read: is a directory"),
        .init(["tokenizer", "train", "--input", "@corpus.txt", "--vocab-size", "300", "--out", "@adir"], 2, "adir: cannot write: is a directory"),
        .init(["sample", "--model", "@ck", "--prompt-file", "@adir"], 2, "adir: cannot read: is a directory"),
        .init(["sample", "--model", "@ck", "--prompt-file", "@binary.bin"], 2, "binary.bin: not UTF-8 text"),
        .init(["eval", "@s1.yaml", "--samples", "@good-samples.jsonl", "--sandbox", "rlimits", "--out", "@afile"], 2, "afile"),
        .init(["eval", "@adir", "--canonical"], 2, "adir: cannot read: is a directory"),
        .init(["train", "@adir"], 2, "adir: cannot read: is a directory"),
        .init(["data", "prepare", "@empty.txt"], 2, "empty.txt: name: missing required key", errorLines: 3),
        .init(["tokenizer", "encode", "--tokenizer", "@tokenizer-broken.json", "--text", "x"], 2, "tokenizer-broken.json"),
        .init(["tokenizer", "encode", "--tokenizer", "@empty.txt", "--text", "x"], 2, "empty.txt"),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json", "@binary.bin"], 2, "binary.bin: not UTF-8 text"),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json", "--decode", "--text", "99999"], 2, "is not a token id below"),
        .init(["model", "inspect", "@nowhere.gguf"], 2, "nowhere.gguf"),
        .init(["model", "inspect", "@empty.txt"], 2, "empty.txt"),
        .init(["model", "inspect", "@safetensors-short.safetensors"], 2, "safetensors-short.safetensors"),
        .init(["data", "prepare", "@nowhere.yaml"], 2, "nowhere.yaml"),
        .init(["data", "prepare", "@bad.yaml"], 2, "bad.yaml"),
        .init(["data", "prepare", "@tiny-src.yaml", "--cache-dir", "@afile"], 2, "afile"),
        .init(["data", "inspect", "@nowhere.yaml"], 2, "nowhere.yaml"),
        .init(["data", "inspect", "@adir"], 2, "adir"),
        .init(["data", "validate-telemetry", "@nowhere.jsonl"], 2, "nowhere.jsonl: no such file"),
        .init(["data", "validate-telemetry", "@adir"], 2, "adir: is a directory"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--tokenizer", "@nowhere.json"], 2, "nowhere.json"),
        .init(["data", "scrub", "@nowhere.jsonl", "@out.jsonl"], 2, "nowhere.jsonl"),
        .init(["data", "scrub", "@tel.jsonl", "@tel.jsonl"], 2, "output must differ from the input"),
        .init(["data", "scrub", "@tel.jsonl", "@afile/out.jsonl"], 2, "afile"),
        .init(["data", "scrub", "@tel-nonutf8.jsonl", "@scrubbed.jsonl", "--strict"], 2, "not UTF-8 text"),
        .init(["data", "decontam", "@nowhere.jsonl", "--suite", "@s.yaml"], 2, "nowhere.jsonl"),
        .init(["data", "decontam", "@tel.jsonl", "--suite", "@nowhere.yaml"], 2, "nowhere.yaml"),
        .init(["data", "synth-telemetry", "-o", "@afile/syn.jsonl", "--sessions", "2", "--exercises", "0", "--source", "@src-clean"], 2, "afile"),
        .init(["data", "synth-telemetry", "-o", "@syn.jsonl", "--sessions", "2", "--exercises", "0", "--source", "@nowhere"], 2, "nowhere"),
        .init(["runs", "list", "--runs-dir", "@nowhere"], 2, "--runs-dir: no such directory"),
        .init(["runs", "list", "--runs-dir", "@afile"], 2, "--runs-dir: not a directory"),
        .init(["runs", "show", "nosuchrun", "--runs-dir", "@runs"], 2, "nosuchrun"),
        .init(["runs", "compare", "nosuchrun", "tiny", "--runs-dir", "@runs"], 2, "nosuchrun"),
        .init(["runs", "compare", "tiny", "--runs-dir", "@runs"], 2, "give at least two runs to compare"),
        .init(["runs", "plot", "nosuchrun", "--runs-dir", "@runs", "--out", "@p.svg"], 2, "nosuchrun"),
        .init(["train", "@nowhere.yaml"], 2, "nowhere.yaml"),
        .init(["train", "@bad.yaml", "--check"], 2, "bad.yaml"),
        .init(["train", "--resume", "nosuchrun", "--runs-dir", "@runs"], 2, "nosuchrun"),
        .init(["train", "@tiny-run.yaml", "--runs-dir", "@afile"], 2, "afile"),

        // `train --check` does what `train` checks before step 1.
        .init(["train", "@stage2-dir.yaml", "--check"], 2, "stages[1].data: §adir is a directory"),
        .init(["train", "@stage2-dir.yaml", "--runs-dir", "@runs-s2"], 2, "stages[1].data: §adir is a directory"),
        .init(["train", "@init-broken.yaml", "--check"], 2, "model.init_from"),
        .init(["train", "@tokenizer-bad.yaml", "--check"], 2, "tokenizer"),
        .init(["train", "@huge-model.yaml", "--check"], 2, "to train"),
        .init(["train", "@huge-model.yaml", "--runs-dir", "@runs-huge"], 2, "this machine's memory"),
        .init(["train", "@missing-data.yaml", "--check"], 2, "nowhere.yaml"),
        .init(["train", "@tiny-run.yaml", "--check"], 0, "peak memory"),
        .init(["bench", "train", "--context", "100000"], 2, "--context 100000 needs"),
        .init(["bench", "train", "--hidden", "32768", "--mlp", "131072", "--heads", "64", "--kv-heads", "8"], 2, "in this machine's memory"),

        // Answered wrongly before: now right.
        .init(["eval", "@s.yaml", "--samples", "@good-samples.jsonl", "--sandbox", "rlimits"], 0, "pass@10 threshold not applicable"),
        .init(["eval", "@s1.yaml", "--samples", "@crlf-samples.jsonl", "--sandbox", "rlimits"], 0, "verdict: pass"),
        .init(["data", "validate-telemetry", "@tel-nonutf8.jsonl"], 0, ":7: not UTF-8 text"),
        .init(["data", "validate-telemetry", "@tel-crlf.jsonl", "--strict"], 0, "6 good, 0 bad"),
        .init(["data", "validate-telemetry", "@tel.jsonl", "--json", "--tokenizer", "@ck/tokenizer.json"], 0, "\"examples\":{\"context\":256"),
        .init(["data", "decontam", "@tel-broken.jsonl", "--suite", "@s.yaml"], 2, "cannot be checked for contamination"),
        .init(["data", "decontam", "@tel.jsonl", "--suite", "@s.yaml"], 0, "0 contaminated"),
        .init(["data", "prepare", "@links.yaml", "--cache-dir", "@cache", "--force"], 0, "leaves the source directory", absent: "root:x:0:0"),
        .init(["data", "prepare", "@links.yaml", "--cache-dir", "@cache-strict", "--strict"], 2, "leaves the source directory", errorLines: 2),
        .init(["tokenizer", "encode", "--tokenizer", "@ck/tokenizer.json", "--text", "def f():"], 0, " "),
        .init(["runs", "list", "--runs-dir", "@runs"], 0, "tiny"),
    ]

    /// Text no user-facing message may hold.
    static let forbidden = ["NSCocoaErrorDomain", "Error Domain=", "Swift.", "Dictionary<", "Array<", "Fatal error", "USAGE:", "Usage:",
                            "Optional(", "Stack dump"]

    func testEveryCase() throws {
        let f = try BadInputFixtures.make()
        XCTAssertGreaterThanOrEqual(Self.cases.count, 80)
        var failures: [String] = []
        for c in Self.cases {
            let args = c.arguments.map { $0.hasPrefix("@") ? f.path(String($0.dropFirst())) : $0 }
            let r = try runCodetune(args, in: f.dir)
            let shown = "codetune " + c.arguments.joined(separator: " ")
            let output = r.stdoutText + r.stderr
            if r.status != c.status { failures.append("\(shown): exit \(r.status), expected \(c.status): \(r.stderr)"); continue }
            let fragment = c.fragment.replacingOccurrences(of: "§", with: f.dir.path + "/")
            if !output.contains(fragment) { failures.append("\(shown): no \"\(fragment)\" in: \(output)") }
            if let absent = c.absent, output.contains(absent) { failures.append("\(shown): \"\(absent)\" must not appear") }
            for word in Self.forbidden where r.stderr.contains(word) { failures.append("\(shown): stderr holds \"\(word)\": \(r.stderr)") }
            if c.status == 2 {
                let errorLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("codetune: ") }
                if errorLines.count != c.errorLines { failures.append("\(shown): \(errorLines.count) 'codetune: ' lines, expected \(c.errorLines): \(r.stderr)") }
                if !errorLines.contains(where: { $0.contains(fragment) }) { failures.append("\(shown): no error line holds \"\(fragment)\": \(r.stderr)") }
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(Self.cases.count) cases failed:\n" + failures.joined(separator: "\n"))
    }
}
