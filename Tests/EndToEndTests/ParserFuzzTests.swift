import Foundation
import XCTest

/// A short seeded fuzz over the parsers a user's files reach — run configs, suites, dataset recipes, JSON
/// lines, safetensors headers, tokenizer.json — through the built binary: each mutated file must give an
/// exit (0, 1 or 2; never a trap, abort or hang) and, when refused, `codetune: …` lines only, without a
/// Foundation error domain, Swift type name or backtrace. The seed is fixed, so a failure repeats.
final class ParserFuzzTests: XCTestCase {
    /// SplitMix64: the mutations' random numbers.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// Tokens that break parsers in interesting ways.
    static let insertions: [String] = [":", "[", "]", "{", "}", "\"", "'", "\n", "\r\n", "-", "- ", "#", "&a", "*a", "!!binary ", "~",
                                       "null", "-1", "0", "1e309", "nan", "99999999999999999999", "\u{FF}", "\t", ",", "\\", "\0", "\u{2028}"]

    /// `base` changed at one to four random places: a byte flipped, a range deleted, a token inserted, a
    /// line duplicated, or the text cut short; only the first `limit` bytes (a safetensors header) when given.
    static func mutate(_ base: [UInt8], _ rng: inout Mix, limit: Int? = nil) -> [UInt8] {
        var bytes = base
        let span = min(bytes.count, limit ?? bytes.count)
        for _ in 0..<(1 + rng.below(4)) where span > 0 {
            let at = rng.below(min(bytes.count, span))
            switch rng.below(5) {
            case 0: bytes[at] ^= UInt8(1 << rng.below(8))
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(8)))
            case 2: bytes.insert(contentsOf: Array(insertions[rng.below(insertions.count)].utf8), at: at)
            case 3:
                let line = bytes[at...].prefix { $0 != 10 }
                bytes.insert(contentsOf: Array(line) + [10], at: at)
            default: bytes.removeSubrange(at..<bytes.count)
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }

    func testMutatedInputsNeverCrash() throws {
        let f = try BadInputFixtures.make()
        let work = f.dir.appendingPathComponent("fuzz")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let checkpoint = work.appendingPathComponent("ck")
        try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
        for name in ["config.json", "tokenizer.json"] {
            try FileManager.default.copyItem(at: f.dir.appendingPathComponent("ck/" + name), to: checkpoint.appendingPathComponent(name))
        }
        let weights = try Data(contentsOf: f.dir.appendingPathComponent("ck/model.safetensors"))
        let headerEnd = 8 + Int(weights.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })

        // (base file, name of the mutated copy, the command reading it, bytes open to mutation)
        let targets: [(base: String, name: String, args: (String) -> [String], limit: Int?)] = [
            ("tiny-run.yaml", "run.yaml", { ["train", $0, "--check"] }, nil),
            ("s1.yaml", "suite.yaml", { ["data", "decontam", f.path("tel.jsonl"), "--suite", $0] }, nil),
            ("tiny-src.yaml", "recipe.yaml", { ["data", "inspect", $0] }, nil),
            ("tel.jsonl", "events.jsonl", { ["data", "validate-telemetry", $0, "--strict"] }, nil),
            ("good-samples.jsonl", "samples.jsonl", { ["data", "decontam", $0, "--suite", f.path("s1.yaml")] }, nil),
            ("ck/model.safetensors", "ck/model.safetensors", { _ in ["export", "--model", checkpoint.path, "--out", work.appendingPathComponent("export").path] }, headerEnd),
            ("ck/tokenizer.json", "tokenizer.json", { ["tokenizer", "encode", "--tokenizer", $0, "--text", "def f(x):"] }, nil),
        ]
        // CODETUNE_FUZZ_SEED / CODETUNE_FUZZ_ROUNDS run a longer or different fuzz by hand; CI keeps the fixed seed.
        let env = ProcessInfo.processInfo.environment
        var rng = Mix(state: env["CODETUNE_FUZZ_SEED"].flatMap(UInt64.init) ?? 17)
        var failures: [String] = []
        let rounds = env["CODETUNE_FUZZ_ROUNDS"].flatMap(Int.init) ?? 16
        for t in targets {
            let base = try [UInt8](Data(contentsOf: f.dir.appendingPathComponent(t.base)))
            for round in 0..<rounds {
                let mutated = Self.mutate(base, &rng, limit: t.limit)
                let url = work.appendingPathComponent(t.name)
                try Data(mutated).write(to: url)
                // The run config and recipe read their data relative to themselves: keep them beside the fixtures.
                let args = t.args(url.path).map { $0 == url.path && t.name.hasSuffix(".yaml") && t.base != "s1.yaml" ? relocated(url, into: f.dir) : $0 }
                let r = try runCodetune(args, in: f.dir)
                let shown = "\(t.name) round \(round)"
                if r.killedBySignal || ![0, 1, 2].contains(r.status) {
                    failures.append("\(shown): ended by \(r.killedBySignal ? "signal" : "status") \(r.status): \(r.stderr.prefix(400))")
                    try Data(mutated).write(to: work.appendingPathComponent("crash-\(failures.count)-" + (t.name as NSString).lastPathComponent))
                    continue
                }
                for word in BadInputTableTests.forbidden where r.stderr.contains(word) { failures.append("\(shown): stderr holds \"\(word)\": \(r.stderr.prefix(400))") }
                if r.status == 2 && !r.stderr.split(separator: "\n").contains(where: { $0.hasPrefix("codetune: ") }) {
                    failures.append("\(shown): exit 2 without a 'codetune: ' line: \(r.stderr.prefix(400))")
                }
            }
            try Data(base).write(to: work.appendingPathComponent(t.name))
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) mutated inputs misbehaved:\n" + failures.joined(separator: "\n"))
    }

    /// Copies `url` into `directory` (where relative data paths of configs and recipes resolve) and returns the copy.
    func relocated(_ url: URL, into directory: URL) -> String {
        let copy = directory.appendingPathComponent("fuzz-" + url.lastPathComponent)
        try? FileManager.default.removeItem(at: copy)
        try? FileManager.default.copyItem(at: url, to: copy)
        return copy.path
    }
}
